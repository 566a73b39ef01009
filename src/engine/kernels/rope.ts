// Rotary position embedding, in place on q or k; the same kernel rotating backwards gives its gradient.
import code from '../../../shaders/rope.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, packParams } from './common.ts';

/** Rotates x in place.  x: [T, nHeads · headDim], positions: u32 [T], theta: e.g. 10000 (Llama) or 1e6 (Qwen2) */
export function rope(rt: Runtime, x: Tensor, positions: GPUBuffer, T: number, nHeads: number, headDim: number, theta: number): Tensor {
  return rotatePairs(rt, 'rope', x, positions, T, nHeads, headDim, theta, 1);
}

/** Rotates every (x[i], x[i + d/2]) pair by `direction` · its RoPE angle, in place. */
export function rotatePairs(
  rt: Runtime, what: string, x: Tensor, positions: GPUBuffer, T: number, nHeads: number, headDim: number, theta: number, direction: 1 | -1,
): Tensor {
  if (headDim % 2 !== 0) throw new Error(`${what}: headDim ${headDim} must be even`);
  expectNumel(`${what}: x`, x, T * nHeads * headDim);
  expectBytes(`${what}: positions`, positions, T * 4);
  const n = (T * nHeads * headDim) / 2;
  rt.dispatch(rt.pipeline(code, 'main', { DIRECTION: direction }), [x, { buffer: positions, offset: 0, size: Math.max(4, T * 4) }], grid1d(rt, n, 256),
    packParams([T, nHeads, headDim, { f32: theta }]));
  return x;
}
