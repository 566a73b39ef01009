// Splits the output of a fused q/k/v projection and applies RoPE to q and k: one dispatch where three copies and
// two rope dispatches would be (shaders/qkv_rope.wgsl). The reference is the split followed by ropeRef.
import code from '../../../shaders/qkv_rope.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, packParams } from './common.ts';

export interface QkvShape {
  T: number;
  nH: number;
  nKv: number;
  headDim: number;
  theta: number;
}

/** qkv: [T, (nH + 2·nKv)·d] (q | k | v per row), positions: u32 [T] → q: [T, nH·d], k, v: [T, nKv·d], q and k rotated */
export function qkvRope(rt: Runtime, qkv: Tensor, positions: GPUBuffer, s: QkvShape): { q: Tensor; k: Tensor; v: Tensor } {
  const { T, nH, nKv, headDim: d, theta } = s;
  if (d % 2 !== 0) throw new Error(`qkvRope: headDim ${d} must be even`);
  expectNumel('qkvRope: qkv', qkv, T * (nH + 2 * nKv) * d);
  expectBytes('qkvRope: positions', positions, T * 4);
  const [q, k, v] = [rt.tensor([T, nH * d]), rt.tensor([T, nKv * d]), rt.tensor([T, nKv * d])];
  const threads = T * ((nH + nKv) * (d / 2) + nKv * d);
  rt.dispatch(rt.pipeline(code), [qkv, { buffer: positions, offset: 0, size: Math.max(4, T * 4) }, q, k, v], grid1d(rt, threads, 256),
    packParams([T, nH, nKv, d, { f32: theta }]));
  return { q, k, v };
}
