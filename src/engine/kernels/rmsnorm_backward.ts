// RMSNorm backward: the input gradient and the norm weight's gradient.
import code from '../../../shaders/rmsnorm_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNumel, grid1d, outputTensor, packParams } from './common.ts';
import { rmsnormKernelFor, type RmsnormKernel } from './rmsnorm.ts';

export interface RmsnormBackwardOptions {
  /** also compute the weight gradient (full-parameter training) */
  dweight?: Tensor; // [H]
  /** dweight += instead of = (gradient accumulation) */
  accumulate?: boolean;
  dx?: Tensor; // [T, H]
  /** force a kernel (tests); default: the forward's choice for this adapter (rmsnormKernelFor) */
  kernel?: RmsnormKernel;
}

/**
 * dx (and optionally dweight) of y = rmsnorm(x) · weight.
 * x, dy: [T, H], weight: [H] → dx: [T, H]; dweight: [H]
 */
export function rmsnormBackward(rt: Runtime, x: Tensor, weight: Tensor, dy: Tensor, T: number, H: number, eps: number, options: RmsnormBackwardOptions = {}): Tensor {
  expectNumel('rmsnormBackward: x', x, T * H);
  expectNumel('rmsnormBackward: weight', weight, H);
  expectNumel('rmsnormBackward: dy', dy, T * H);
  if (options.dweight) expectNumel('rmsnormBackward: dweight', options.dweight, H);
  const dx = outputTensor(rt, 'rmsnormBackward: dx', [T, H], options.dx);
  if (dx.buffer === x.buffer || dx.buffer === dy.buffer) throw new Error('rmsnormBackward: dx must not alias x or dy');
  const inv = rt.tensor([T]); // 1 / rms per row: [T]
  const params = packParams([T, H, { f32: eps }, options.accumulate ? 1 : 0]);
  const kernel = options.kernel ?? rmsnormKernelFor(rt, H);
  if (kernel === 'thread-per-row' && H % 4 !== 0) throw new Error(`rmsnormBackward: the thread-per-row kernel needs H % 4 = 0, got H = ${H}`);
  if (kernel === 'thread-per-row') rt.dispatch(rt.pipeline(code, 'dx_rows'), [x, weight, dy, dx, inv], grid1d(rt, T, 64), params);
  else rt.dispatch(rt.pipeline(code, 'dx_main'), [x, weight, dy, dx, inv], grid1d(rt, T, 1), params);
  if (options.dweight) {
    rt.dispatch(rt.pipeline(code, 'dweight_main'), [x, inv, dy, options.dweight], grid1d(rt, H, 64), params);
  }
  rt.release(inv);
  return dx;
}
