// Log-softmax over the vocabulary and teacher-forced log p(target) per row.
import code from '../../../shaders/logsoftmax.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/**
 * How the work is spread (same results up to f32 rounding):
 * - 'workgroup-per-row': 256 threads per row and a shared-memory reduction (GPUs);
 * - 'thread-per-row': one thread per row, no barriers (software adapters, which run a barrier as a switch between
 *   all of a workgroup's threads).
 */
export type LogSoftmaxKernel = 'workgroup-per-row' | 'thread-per-row';

/** The kernel logSoftmax and gatherLogprob use on this runtime's adapter. */
export function logSoftmaxKernelFor(rt: Runtime): LogSoftmaxKernel {
  return rt.gpu.info.isSoftware ? 'thread-per-row' : 'workgroup-per-row';
}

/** The pipeline and grid of entry point `entry` for T rows with `kernel`. */
function spread(rt: Runtime, entry: string, T: number, kernel: LogSoftmaxKernel): { pipeline: GPUComputePipeline; grid: [number, number] } {
  return kernel === 'thread-per-row'
    ? { pipeline: rt.pipeline(code, `${entry}_rows`), grid: grid1d(rt, T, 64) }
    : { pipeline: rt.pipeline(code, entry), grid: grid1d(rt, T, 1) };
}

/** Marks a row whose target is ignored (padding): its log-prob is 0. */
export const IGNORE_TARGET = 0xffffffff;

/** y = logits - logsumexp(logits) per row.  logits: [T, V] → y: [T, V] */
export function logSoftmax(rt: Runtime, logits: Tensor, T: number, V: number, out?: Tensor, kernel = logSoftmaxKernelFor(rt)): Tensor {
  expectNumel('logSoftmax: logits', logits, T * V);
  const y = outputTensor(rt, 'logSoftmax: out', [T, V], out);
  expectNoAlias('logSoftmax', y, logits);
  const { pipeline, grid } = spread(rt, 'log_softmax', T, kernel);
  rt.dispatch(pipeline, [logits, y], grid, packParams([T, V]));
  return y;
}

/**
 * log p(targets[t]) under softmax(logits[t]), and the row's log-sum-exp (for the backward pass:
 * d logp / d logits = onehot(target) - exp(logits - lse)).
 * logits: [T, V], targets: u32 [T] (IGNORE_TARGET or any value ≥ V → logp 0) → logp: [T], lse: [T]
 */
export function gatherLogprob(
  rt: Runtime, logits: Tensor, targets: GPUBuffer, T: number, V: number,
  out: { logp?: Tensor; lse?: Tensor } = {}, kernel = logSoftmaxKernelFor(rt),
): { logp: Tensor; lse: Tensor } {
  expectNumel('gatherLogprob: logits', logits, T * V);
  expectBytes('gatherLogprob: targets', targets, T * 4);
  const logp = outputTensor(rt, 'gatherLogprob: logp', [T], out.logp);
  const lse = outputTensor(rt, 'gatherLogprob: lse', [T], out.lse);
  expectNoAlias('gatherLogprob: logp', logp, logits, targets, lse);
  expectNoAlias('gatherLogprob: lse', lse, logits, targets);
  const { pipeline, grid } = spread(rt, 'gather_logprob', T, kernel);
  rt.dispatch(pipeline, [logits, { buffer: targets, offset: 0, size: Math.max(4, T * 4) }, logp, lse], grid, packParams([T, V]));
  return { logp, lse };
}
