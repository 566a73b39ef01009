// The matmul baseline must compute the right thing before its speed means anything: onnxruntime's
// one-node MatMul graph (our hand-encoded ONNX) against a plain TypeScript matmul.
import { describe, expect, it } from 'vitest';
import { ensureSameAdapter, measureOrtMatmul, runOrtMatmul } from '../../bench/onnx-matmul.ts';
import { uniformArray } from '../../src/util/random.ts';

/** Y[M, N] = X[M, K] · B[K, N], in float64 accumulation. */
function matmulPlain(x: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += x[m * K + k] * b[k * N + n];
      y[m * N + n] = acc;
    }
  }
  return y;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Odd sizes so that any tiling edge in the EP's kernel is exercised.
const M = 5, K = 37, N = 19;
const x = uniformArray(M * K, 11);
const b = uniformArray(K * N, 12);
const expected = matmulPlain(x, b, M, K, N);
// f32 sums of 37 products of values in [-1, 1): rounding differences stay far below 1e-4.
const TOLERANCE = 1e-4;

describe('onnxruntime MatMul baseline', () => {
  it('CPU EP matches the plain matmul', async () => {
    const got = await runOrtMatmul(x, b, M, K, N, 'cpu');
    const err = maxAbsDiff(got, expected);
    console.log(`cpu EP max abs error ${err.toExponential(2)} (tolerance ${TOLERANCE})`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('WebGPU EP on our adapter matches the plain matmul', async () => {
    console.log(`adapter: ${await ensureSameAdapter()}`);
    const got = await runOrtMatmul(x, b, M, K, N, 'webgpu');
    const err = maxAbsDiff(got, expected);
    console.log(`webgpu EP max abs error ${err.toExponential(2)} (tolerance ${TOLERANCE})`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('measureOrtMatmul reports a positive finite rate and rejects bad shapes', async () => {
    const { gflops } = await measureOrtMatmul(8, 64, 32, { ep: 'cpu', reps: 2 });
    expect(Number.isFinite(gflops) && gflops > 0).toBe(true);
    await expect(measureOrtMatmul(0, 4, 4, { ep: 'cpu' })).rejects.toThrow(/M must be a positive integer/);
  });
});
