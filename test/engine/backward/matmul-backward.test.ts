// Linear layer gradients: dX through frozen f32 / q8 / q4 weights (split into parts), dW and dbias.
import { describe, expect, it } from 'vitest';
import { biasBackward, matmulBackwardInput, matmulBackwardWeight } from '../../../src/engine/kernels/matmul_backward.ts';
import { dequantize, quantizeQ4, quantizeQ8 } from '../../../src/engine/quant.ts';
import { biasBackwardRef, matmulBackwardInputRef, matmulBackwardWeightRef } from '../../../src/engine/reference/backward.ts';
import { uploadWeight, type WeightDtype } from '../../../src/engine/weights.ts';
import { randomArray, testRuntime } from '../../helpers/gpu.ts';
import { maxRelativeToScale } from './helpers.ts';

// f32 sums of N (≤ 70) products against the f64 reference: ~1e-7 relative to the values' scale;
// 1e-5 still catches a wrong index or a wrong dequantization (errors of order one).
const TOLERANCE = 1e-5;

/** The weights the kernel multiplies by: quantized and dequantized like the upload does. */
function effectiveWeight(w: Float32Array, N: number, K: number, dtype: WeightDtype): Float32Array {
  if (dtype === 'q8') return dequantize(quantizeQ8(w, N, K));
  if (dtype === 'q4') return dequantize(quantizeQ4(w, N, K));
  return w;
}

describe('matmul backward', () => {
  for (const [dtype, K] of [['f32', 37], ['q8', 70], ['q4', 70]] as const) {
    it(`dX = dY · W through ${dtype} weights split into parts (K = ${K})`, async () => {
      const rt = await testRuntime();
      const [M, N] = [6, 21];
      const wValues = randomArray(N * K, 1);
      const dyValues = randomArray(M * N, 2);
      // parts of at most 8 rows: three dispatches, the later ones accumulating
      const rowBytes = dtype === 'f32' ? Math.ceil(K / 4) * 16 : dtype === 'q8' ? Math.ceil(K / 4) * 4 : Math.ceil(K / 32) * 16;
      const w = uploadWeight(rt, wValues, N, K, dtype, { maxPartBytes: 8 * rowBytes });
      expect(w.parts.length).toBe(3);
      const want = matmulBackwardInputRef(dyValues, effectiveWeight(wValues, N, K, dtype), M, K, N);
      const dy = rt.tensor([M, N], dyValues);
      const dx = matmulBackwardInput(rt, dy, w, M);
      const err = maxRelativeToScale(await rt.readTensor(dx), want);
      console.log(`matmul dX (${dtype}): max error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(TOLERANCE);
      matmulBackwardInput(rt, dy, w, M, { out: dx, accumulate: true });
      expect(maxRelativeToScale(await rt.readTensor(dx), want.map((v) => 2 * v))).toBeLessThan(TOLERANCE);
    });
  }

  it('dX = dY · W through the transposed path (f32, one part, sides multiples of 4) matches the reference and the direct kernel', async () => {
    const rt = await testRuntime();
    // 72 rows: partial 64-row blocks of tn_vec4 and partial workgroups of the transpose
    const [M, N, K] = [72, 20, 36];
    const wValues = randomArray(N * K, 3);
    const dyValues = randomArray(M * N, 4);
    const w = uploadWeight(rt, wValues, N, K, 'f32');
    const dy = rt.tensor([M, N], dyValues);
    const want = matmulBackwardInputRef(dyValues, wValues, M, K, N);
    const before = rt.dispatchCount;
    const dx = matmulBackwardInput(rt, dy, w, M, { kernel: 'transposed' });
    expect(rt.dispatchCount - before).toBe(2); // the transpose, then the product
    expect(maxRelativeToScale(await rt.readTensor(dx), want)).toBeLessThan(TOLERANCE);
    matmulBackwardInput(rt, dy, w, M, { out: dx, accumulate: true, kernel: 'transposed' });
    expect(maxRelativeToScale(await rt.readTensor(dx), want.map((v) => 2 * v))).toBeLessThan(TOLERANCE);
    const direct = await rt.readTensor(matmulBackwardInput(rt, dy, w, M, { kernel: 'direct' }));
    expect(maxRelativeToScale(direct, want)).toBeLessThan(TOLERANCE);
  });

  it('chooses the transposed path on software adapters from 256 rows, and rejects it where it does not apply', async () => {
    const rt = await testRuntime();
    const w = uploadWeight(rt, randomArray(8 * 12, 5), 8, 12, 'f32');
    const dispatches = (M: number) => {
      const before = rt.dispatchCount;
      rt.release(matmulBackwardInput(rt, rt.tensor([M, 8]), w, M));
      return rt.dispatchCount - before;
    };
    expect(dispatches(252)).toBe(1);
    expect(dispatches(256)).toBe(rt.gpu.info.isSoftware ? 2 : 1);
    const odd = uploadWeight(rt, randomArray(8 * 10, 6), 8, 10, 'f32');
    expect(() => matmulBackwardInput(rt, rt.tensor([4, 8]), odd, 4, { kernel: 'transposed' })).toThrow(/transposed path needs .* K 10/);
  });

  it('dW = dYᵀ · X and dbias through matmulTT, written then accumulated', async () => {
    const rt = await testRuntime();
    const [M, K, N] = [9, 13, 6];
    const x = randomArray(M * K, 3);
    const dy = randomArray(M * N, 4);
    const dw = rt.zeros([N, K]);
    const db = rt.zeros([N]);
    const tx = rt.tensor([M, K], x);
    const tdy = rt.tensor([M, N], dy);
    matmulBackwardWeight(rt, tdy, tx, dw, M, K, N);
    biasBackward(rt, tdy, db, M, N);
    const wantW = matmulBackwardWeightRef(dy, x, M, K, N);
    const wantB = biasBackwardRef(dy, M, N);
    const errW = maxRelativeToScale(await rt.readTensor(dw), wantW);
    const errB = maxRelativeToScale(await rt.readTensor(db), wantB);
    console.log(`matmul dW: max error ${errW.toExponential(2)}, dbias: ${errB.toExponential(2)}`);
    expect(errW).toBeLessThan(TOLERANCE);
    expect(errB).toBeLessThan(TOLERANCE);
    matmulBackwardWeight(rt, tdy, tx, dw, M, K, N, { accumulate: true, alpha: 0.5 });
    biasBackward(rt, tdy, db, M, N, { accumulate: true });
    expect(maxRelativeToScale(await rt.readTensor(dw), wantW.map((v) => 1.5 * v))).toBeLessThan(TOLERANCE);
    expect(maxRelativeToScale(await rt.readTensor(db), wantB.map((v) => 2 * v))).toBeLessThan(TOLERANCE);
  });
});
