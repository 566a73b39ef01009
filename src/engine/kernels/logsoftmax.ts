// Log-softmax over the vocabulary and teacher-forced log p(target) per row.
import code from '../../../shaders/logsoftmax.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/** Marks a row whose target is ignored (padding): its log-prob is 0. */
export const IGNORE_TARGET = 0xffffffff;

/** y = logits - logsumexp(logits) per row.  logits: [T, V] → y: [T, V] */
export function logSoftmax(rt: Runtime, logits: Tensor, T: number, V: number, out?: Tensor): Tensor {
  expectNumel('logSoftmax: logits', logits, T * V);
  const y = outputTensor(rt, 'logSoftmax: out', [T, V], out);
  expectNoAlias('logSoftmax', y, logits);
  rt.dispatch(rt.pipeline(code, 'log_softmax'), [logits, y], grid1d(rt, T, 1), packParams([T, V]));
  return y;
}

/**
 * log p(targets[t]) under softmax(logits[t]), and the row's log-sum-exp (for the backward pass:
 * d logp / d logits = onehot(target) - exp(logits - lse)).
 * logits: [T, V], targets: u32 [T] (IGNORE_TARGET or any value ≥ V → logp 0) → logp: [T], lse: [T]
 */
export function gatherLogprob(
  rt: Runtime, logits: Tensor, targets: GPUBuffer, T: number, V: number,
  out: { logp?: Tensor; lse?: Tensor } = {},
): { logp: Tensor; lse: Tensor } {
  expectNumel('gatherLogprob: logits', logits, T * V);
  expectBytes('gatherLogprob: targets', targets, T * 4);
  const logp = outputTensor(rt, 'gatherLogprob: logp', [T], out.logp);
  const lse = outputTensor(rt, 'gatherLogprob: lse', [T], out.lse);
  expectNoAlias('gatherLogprob: logp', logp, logits, targets, lse);
  expectNoAlias('gatherLogprob: lse', lse, logits, targets);
  rt.dispatch(rt.pipeline(code, 'gather_logprob'), [logits, { buffer: targets, offset: 0, size: Math.max(4, T * 4) }, logp, lse],
    grid1d(rt, T, 1), packParams([T, V]));
  return { logp, lse };
}
