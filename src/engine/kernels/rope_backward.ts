// RoPE backward: rotation of the gradient by the opposite angle, in place.
import code from '../../../shaders/rope_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, packParams } from './common.ts';

/** Turns dy (gradient of rope's output) into dx in place.  dy: [T, nHeads · headDim], positions: u32 [T] */
export function ropeBackward(rt: Runtime, dy: Tensor, positions: GPUBuffer, T: number, nHeads: number, headDim: number, theta: number): Tensor {
  if (headDim % 2 !== 0) throw new Error(`ropeBackward: headDim ${headDim} must be even`);
  expectNumel('ropeBackward: dy', dy, T * nHeads * headDim);
  expectBytes('ropeBackward: positions', positions, T * 4);
  const n = (T * nHeads * headDim) / 2;
  rt.dispatch(rt.pipeline(code), [dy, { buffer: positions, offset: 0, size: Math.max(4, T * 4) }], grid1d(rt, n, 256),
    packParams([T, nHeads, headDim, { f32: theta }]));
  return dy;
}
