// Backward of gatherLogprob (logsoftmax.ts): d logits of Σ_t g[t] · log p(target[t]).
import code from '../../../shaders/logsoftmax_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/**
 * dlogits[t] = g[t] · (onehot(target[t]) − softmax(logits[t])); rows whose target ≥ V (IGNORE_TARGET) get 0.
 * logits: [T, V], lse: [T] (gatherLogprob's log-sum-exp), targets: u32 [T], g: [T] → dlogits: [T, V]
 */
export function gatherLogprobBackward(rt: Runtime, logits: Tensor, lse: Tensor, targets: GPUBuffer, g: Tensor, T: number, V: number, out?: Tensor): Tensor {
  expectNumel('gatherLogprobBackward: logits', logits, T * V);
  expectNumel('gatherLogprobBackward: lse', lse, T);
  expectNumel('gatherLogprobBackward: g', g, T);
  expectBytes('gatherLogprobBackward: targets', targets, T * 4);
  const d = outputTensor(rt, 'gatherLogprobBackward: out', [T, V], out);
  if (d.buffer === logits.buffer) throw new Error('gatherLogprobBackward: out must not alias logits');
  rt.dispatch(rt.pipeline(code), [logits, lse, { buffer: targets, offset: 0, size: Math.max(4, T * 4) }, g, d],
    grid1d(rt, T * V, 256), packParams([T, V]));
  return d;
}
