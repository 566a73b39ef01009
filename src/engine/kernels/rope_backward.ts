// RoPE backward: the gradient rotated by the opposite angle, in place (rope.wgsl with DIRECTION = −1).
import type { Runtime, Tensor } from '../runtime.ts';
import { rotatePairs } from './rope.ts';

/** Turns dy (gradient of rope's output) into dx in place.  dy: [T, nHeads · headDim], positions: u32 [T] */
export function ropeBackward(rt: Runtime, dy: Tensor, positions: GPUBuffer, T: number, nHeads: number, headDim: number, theta: number): Tensor {
  return rotatePairs(rt, 'ropeBackward', dy, positions, T, nHeads, headDim, theta, -1);
}
