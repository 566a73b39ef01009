// Rotary position embedding, in place on q or k.
import code from '../../../shaders/rope.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, packParams } from './common.ts';

/** Rotates x in place.  x: [T, nHeads · headDim], positions: u32 [T], theta: e.g. 10000 (Llama) or 1e6 (Qwen2) */
export function rope(rt: Runtime, x: Tensor, positions: GPUBuffer, T: number, nHeads: number, headDim: number, theta: number): Tensor {
  if (headDim % 2 !== 0) throw new Error(`rope: headDim ${headDim} must be even`);
  expectNumel('rope: x', x, T * nHeads * headDim);
  expectBytes('rope: positions', positions, T * 4);
  const n = (T * nHeads * headDim) / 2;
  rt.dispatch(rt.pipeline(code), [x, { buffer: positions, offset: 0, size: Math.max(4, T * 4) }], grid1d(rt, n, 256),
    packParams([T, nHeads, headDim, { f32: theta }]));
  return x;
}
