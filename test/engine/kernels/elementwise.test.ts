import { describe, expect, it } from 'vitest';
import { add, axpy, padCols, scale } from '../../../src/engine/kernels/elementwise.ts';
import { addRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

// Each output is one f32 operation on exact inputs: the GPU result must be the correctly rounded
// value, the same as Math.fround of the reference, so the tolerance is 0 (or one rounding for axpy's fma).
describe('elementwise', () => {
  for (const n of [1, 7, 257, 4099]) {
    it(`add, axpy, scale n=${n}`, async () => {
      const rt = await testRuntime();
      const a = randomArray(n, 1 + n);
      const b = randomArray(n, 2 + n);
      const ta = rt.tensor([n], a);
      const tb = rt.tensor([n], b);
      const sum = await rt.readTensor(add(rt, ta, tb));
      const errAdd = maxAbsDiff(sum, addRef(a, b));
      const ty = rt.tensor([n], b);
      axpy(rt, ty, ta, 0.5);
      const axpyOut = await rt.readTensor(ty);
      const errAxpy = maxAbsDiff(axpyOut, b.map((v, i) => v + 0.5 * a[i]));
      const scaled = await rt.readTensor(scale(rt, ta, -3));
      scale(rt, tb, 2, tb);
      const inPlace = await rt.readTensor(tb);
      console.log(`elementwise n=${n}: add ${errAdd}, axpy ${errAxpy}`);
      expect(errAdd).toBe(0);
      expect(errAxpy).toBeLessThanOrEqual(1e-7); // a possible fused multiply-add rounds once instead of twice
      expect(maxAbsDiff(scaled, a.map((v) => -3 * v))).toBe(0);
      expect(maxAbsDiff(inPlace, b.map((v) => 2 * v))).toBe(0);
    });
  }

  it('padCols pads each row with zeros', async () => {
    const rt = await testRuntime();
    const rows = 5, cols = 7, colsOut = 8;
    const a = randomArray(rows * cols, 3);
    const out = await rt.readTensor(padCols(rt, rt.tensor([rows, cols], a), rows, cols, colsOut));
    const expected = new Float32Array(rows * colsOut);
    for (let r = 0; r < rows; r++) expected.set(a.subarray(r * cols, r * cols + cols), r * colsOut);
    expect(maxAbsDiff(out, expected)).toBe(0);
  });

  it('add in place into either input (residual adds)', async () => {
    const rt = await testRuntime();
    const n = 33;
    const a = randomArray(n, 11);
    const b = randomArray(n, 12);
    const ta = rt.tensor([n], a);
    add(rt, ta, rt.tensor([n], b), ta);
    const tb = rt.tensor([n], b);
    add(rt, rt.tensor([n], a), tb, tb);
    expect(maxAbsDiff(await rt.readTensor(ta), addRef(a, b))).toBe(0);
    expect(maxAbsDiff(await rt.readTensor(tb), addRef(a, b))).toBe(0);
  });

  it('rejects mismatched sizes', async () => {
    const rt = await testRuntime();
    expect(() => add(rt, rt.tensor([4]), rt.tensor([5]))).toThrow(/add: b: expected 4 elements/);
    const t = rt.tensor([4]);
    expect(() => axpy(rt, t, t)).toThrow(/axpy: the output must not share a buffer/);
  });
});
