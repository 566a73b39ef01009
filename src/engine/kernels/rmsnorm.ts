// RMSNorm over the last axis.
import code from '../../../shaders/rmsnorm.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/** y = x / sqrt(mean(x²) + eps) · weight.  x: [T, H], weight: [H] → y: [T, H] */
export function rmsnorm(rt: Runtime, x: Tensor, weight: Tensor, T: number, H: number, eps: number, out?: Tensor): Tensor {
  expectNumel('rmsnorm: x', x, T * H);
  expectNumel('rmsnorm: weight', weight, H);
  const y = outputTensor(rt, 'rmsnorm: out', [T, H], out);
  expectNoAlias('rmsnorm', y, x, weight);
  rt.dispatch(rt.pipeline(code), [x, weight, y], grid1d(rt, T, 1), packParams([T, H, { f32: eps }]));
  return y;
}
