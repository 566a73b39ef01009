// RMSNorm over the last axis.
import code from '../../../shaders/rmsnorm.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/**
 * How the work is spread (same results up to f32 rounding):
 * - 'workgroup-per-row': 256 threads per row and a shared-memory reduction (GPUs);
 * - 'thread-per-row': one thread per row reading vec4s, no barriers (software adapters, which run a barrier as a
 *   switch between all of a workgroup's threads; needs H % 4 = 0).
 */
export type RmsnormKernel = 'workgroup-per-row' | 'thread-per-row';

/** The kernel rmsnorm and its backward use on this runtime's adapter for rows of H values. */
export function rmsnormKernelFor(rt: Runtime, H: number): RmsnormKernel {
  return rt.gpu.info.isSoftware && H % 4 === 0 ? 'thread-per-row' : 'workgroup-per-row';
}

/** y = x / sqrt(mean(x²) + eps) · weight.  x: [T, H], weight: [H] → y: [T, H] */
export function rmsnorm(rt: Runtime, x: Tensor, weight: Tensor, T: number, H: number, eps: number, out?: Tensor, kernel: RmsnormKernel = rmsnormKernelFor(rt, H)): Tensor {
  expectNumel('rmsnorm: x', x, T * H);
  expectNumel('rmsnorm: weight', weight, H);
  if (kernel === 'thread-per-row' && H % 4 !== 0) throw new Error(`rmsnorm: the thread-per-row kernel needs H % 4 = 0, got H = ${H}`);
  const y = outputTensor(rt, 'rmsnorm: out', [T, H], out);
  expectNoAlias('rmsnorm', y, x, weight);
  const params = packParams([T, H, { f32: eps }]);
  if (kernel === 'thread-per-row') rt.dispatch(rt.pipeline(code, 'rows'), [x, weight, y], grid1d(rt, T, 64), params);
  else rt.dispatch(rt.pipeline(code), [x, weight, y], grid1d(rt, T, 1), params);
  return y;
}
