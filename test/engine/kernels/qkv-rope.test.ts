import { describe, expect, it } from 'vitest';
import { qkvRope } from '../../../src/engine/kernels/qkv_rope.ts';
import { ropeRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

/** Columns [from, from + width) of every row of x: [T, W]. */
function columns(x: Float32Array, T: number, W: number, from: number, width: number): Float32Array {
  const out = new Float32Array(T * width);
  for (let t = 0; t < T; t++) out.set(x.subarray(t * W + from, t * W + from + width), t * width);
  return out;
}

describe('qkvRope: a fused q/k/v output split, q and k rotated', () => {
  for (const [T, nH, nKv, d, theta] of [[1, 1, 1, 2, 10000], [5, 4, 2, 32, 10000], [17, 14, 2, 64, 1e6], [3, 3, 3, 6, 10000]]) {
    it(`T=${T} heads ${nH}/${nKv} d=${d} theta=${theta}`, async () => {
      const rt = await testRuntime();
      const W = (nH + 2 * nKv) * d;
      const x = randomArray(T * W, T + d + nH);
      // positions out of order and up to 300, as in batched decoding
      const positions = Uint32Array.from({ length: T }, (_, t) => (t * 37 + 11) % 301);
      const pos = rt.buffer(T * 4);
      rt.write(pos, positions);
      const { q, k, v } = qkvRope(rt, rt.tensor([T, W], x), pos, { T, nH, nKv, headDim: d, theta });
      const errQ = maxAbsDiff(await rt.readTensor(q), ropeRef(columns(x, T, W, 0, nH * d), positions, nH, d, theta));
      const errK = maxAbsDiff(await rt.readTensor(k), ropeRef(columns(x, T, W, nH * d, nKv * d), positions, nKv, d, theta));
      const errV = maxAbsDiff(await rt.readTensor(v), columns(x, T, W, (nH + nKv) * d, nKv * d));
      console.log(`qkvRope T=${T} d=${d}: max abs err q ${errQ.toExponential(2)}, k ${errK.toExponential(2)}, v ${errV}`);
      // the rotation of rope.test.ts (f32 angles up to 300 rad): below 1e-4; v is copied exactly
      expect(errQ).toBeLessThan(1e-4);
      expect(errK).toBeLessThan(1e-4);
      expect(errV).toBe(0);
    });
  }

  it('rejects an odd head dimension and a wrong qkv size', async () => {
    const rt = await testRuntime();
    expect(() => qkvRope(rt, rt.tensor([5]), rt.buffer(4), { T: 1, nH: 1, nKv: 1, headDim: 3, theta: 1e4 })).toThrow(/headDim 3 must be even/);
    expect(() => qkvRope(rt, rt.tensor([5]), rt.buffer(4), { T: 1, nH: 1, nKv: 1, headDim: 2, theta: 1e4 })).toThrow(/qkvRope: qkv: expected 6 elements/);
  });
});
