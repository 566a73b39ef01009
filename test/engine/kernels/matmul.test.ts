import { describe, expect, it } from 'vitest';
import { matmul, matmulTT, type MatmulKernel } from '../../../src/engine/kernels/matmul.ts';
import { dequantize, quantizeQ4, quantizeQ8, relativeFrobeniusError } from '../../../src/engine/quant.ts';
import { matmulRef } from '../../../src/engine/reference/ops.ts';
import { destroyWeight, uploadQuantized, uploadWeight, type WeightDtype } from '../../../src/engine/weights.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { dotErrorBound, withoutGpuErrors } from './gpu-errors.ts';

/** The weights the kernel multiplies by: W itself for f32, the dequantized packing otherwise. */
function effectiveWeight(w: Float32Array, N: number, K: number, dtype: WeightDtype): Float32Array {
  if (dtype === 'q8') return dequantize(quantizeQ8(w, N, K));
  if (dtype === 'q4') return dequantize(quantizeQ4(w, N, K));
  return w;
}

/** max over outputs of Σ_k |x[m,k]·w[n,k]| (+ |bias|), the scale of the rounding error bound */
function maxAbsSum(x: Float32Array, w: Float32Array, M: number, K: number, N: number): number {
  let best = 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 1; // bias in [-1, 1) and the accumulated y in [-1, 1)
      for (let k = 0; k < K; k++) s += Math.abs(x[m * K + k] * w[n * K + k]);
      best = Math.max(best, s);
    }
  }
  return best;
}

const SHAPES: [number, number, number][] = [[1, 3, 5], [2, 8, 16], [3, 7, 9], [8, 64, 33], [5, 130, 70], [17, 100, 45], [33, 64, 64], [70, 36, 19]];

describe('matmul with frozen weights', () => {
  for (const dtype of ['f32', 'q8', 'q4'] as const) {
    for (const [M, K, N] of SHAPES) {
      const kernels: MatmulKernel[] = M <= 8 ? ['decode', 'tiled'] : ['tiled'];
      for (const kernel of kernels) {
        it(`${dtype} ${kernel} M=${M} K=${K} N=${N}, bias and accumulate`, async () => {
          const rt = await testRuntime();
          const x = randomArray(M * K, M * 31 + K);
          const w = randomArray(N * K, N * 17 + K);
          const bias = randomArray(N, N);
          const y0 = randomArray(M * N, M + N);
          const wq = effectiveWeight(w, N, K, dtype);
          const refPlain = matmulRef(x, wq, M, K, N);
          const refBias = matmulRef(x, wq, M, K, N, bias).map((v, i) => v + y0[i]);
          const gw = uploadWeight(rt, w, N, K, dtype);
          const { plain, biased } = await withoutGpuErrors(rt, async () => {
            const tx = rt.tensor([M, K], x);
            const plain = await rt.readTensor(matmul(rt, tx, gw, M, { kernel }));
            const out = rt.tensor([M, N], y0);
            matmul(rt, tx, gw, M, { kernel, bias: rt.tensor([N], bias), accumulate: true, out });
            return { plain, biased: await rt.readTensor(out) };
          });
          destroyWeight(gw);
          const bound = dotErrorBound(maxAbsSum(x, wq, M, K, N), K);
          const e1 = maxAbsDiff(plain, refPlain);
          const e2 = maxAbsDiff(biased, refBias);
          console.log(`matmul ${dtype} ${kernel} M=${M} K=${K} N=${N}: max abs err ${e1.toExponential(2)}, with bias+acc ${e2.toExponential(2)} (bound ${bound.toExponential(2)})`);
          // f32 accumulation in some order vs the f64 reference of the same (dequantized) weights:
          // within the worst-case rounding bound (K + 2)·2⁻²⁴·Σ|x·w|.
          expect(e1).toBeLessThanOrEqual(bound);
          expect(e2).toBeLessThanOrEqual(bound);
        });
      }
    }
  }

  // transposed: xᵀ and Wᵀ copied, then tn_vec4 (f32, one part, no bias, sides multiples of 4); 72 and 260 rows
  // leave partial 64-row blocks, 20 columns a partial column block
  for (const [M, K, N] of [[72, 36, 20], [260, 128, 64]] as const) {
    it(`f32 transposed M=${M} K=${K} N=${N}, written and accumulated`, async () => {
      const rt = await testRuntime();
      const x = randomArray(M * K, M + K);
      const w = randomArray(N * K, N + K);
      const y0 = randomArray(M * N, M + N);
      const gw = uploadWeight(rt, w, N, K, 'f32');
      const tx = rt.tensor([M, K], x);
      const before = rt.dispatchCount;
      const plain = await rt.readTensor(matmul(rt, tx, gw, M, { kernel: 'transposed' }));
      expect(rt.dispatchCount - before).toBe(3); // two transposes and the product
      const out = rt.tensor([M, N], y0);
      const accumulated = await rt.readTensor(matmul(rt, tx, gw, M, { kernel: 'transposed', accumulate: true, out }));
      const bound = dotErrorBound(maxAbsSum(x, w, M, K, N), K);
      const ref = matmulRef(x, w, M, K, N);
      expect(maxAbsDiff(plain, ref)).toBeLessThanOrEqual(bound);
      expect(maxAbsDiff(accumulated, ref.map((v, i) => v + y0[i]))).toBeLessThanOrEqual(bound);
      destroyWeight(gw);
    });
  }

  it('chooses the transposed kernel on software adapters from 256 rows, and rejects it where it does not apply', async () => {
    const rt = await testRuntime();
    const gw = uploadWeight(rt, randomArray(8 * 12, 1), 8, 12, 'f32');
    const dispatches = (M: number, bias?: boolean) => {
      const before = rt.dispatchCount;
      rt.release(matmul(rt, rt.tensor([M, 12]), gw, M, { bias: bias ? rt.tensor([8]) : undefined }));
      return rt.dispatchCount - before;
    };
    expect(dispatches(252)).toBe(1);
    expect(dispatches(256)).toBe(rt.gpu.info.isSoftware ? 3 : 1);
    expect(dispatches(256, true)).toBe(1); // a bias keeps the tiled kernel
    expect(() => matmul(rt, rt.tensor([6, 12]), gw, 6, { kernel: 'transposed' })).toThrow(/transposed kernel needs .* M 6/);
    await rt.sync();
    destroyWeight(gw);
  });

  for (const dtype of ['f32', 'q8', 'q4'] as const) {
    it(`${dtype} weight split into parts by rows`, async () => {
      const rt = await testRuntime();
      const M = 3, K = 40, N = 37;
      const x = randomArray(M * K, 9);
      const w = randomArray(N * K, 10);
      const gw = uploadWeight(rt, w, N, K, dtype, { maxPartBytes: 8 * 48 }); // 48 bytes per f32 row, fewer for q8/q4
      expect(gw.parts.length).toBeGreaterThan(2);
      expect(gw.parts.reduce((s, p) => s + p.rows, 0)).toBe(N);
      const wq = effectiveWeight(w, N, K, dtype);
      const ref = matmulRef(x, wq, M, K, N);
      for (const kernel of ['decode', 'tiled'] as const) {
        const y = await withoutGpuErrors(rt, () => rt.readTensor(matmul(rt, rt.tensor([M, K], x), gw, M, { kernel })));
        const err = maxAbsDiff(y, ref);
        console.log(`matmul ${dtype} ${kernel} in ${gw.parts.length} parts: max abs err ${err.toExponential(2)}`);
        expect(err).toBeLessThanOrEqual(dotErrorBound(maxAbsSum(x, wq, M, K, N), K));
      }
      destroyWeight(gw);
    });
  }

  it('uploadQuantized (a matrix quantized once, e.g. cached) gives the same product as uploadWeight', async () => {
    const rt = await testRuntime();
    const M = 2, K = 70, N = 9;
    const x = randomArray(M * K, 21);
    const w = randomArray(N * K, 22);
    const q = quantizeQ4(w, N, K);
    const a = uploadWeight(rt, w, N, K, 'q4');
    const b = uploadQuantized(rt, q, { maxPartBytes: 3 * q.wordsPerRow * 4 });
    expect(b.parts.length).toBe(3);
    const tx = rt.tensor([M, K], x);
    const ya = await withoutGpuErrors(rt, () => rt.readTensor(matmul(rt, tx, a, M)));
    const yb = await withoutGpuErrors(rt, () => rt.readTensor(matmul(rt, tx, b, M)));
    expect(maxAbsDiff(ya, yb)).toBe(0);
    destroyWeight(a);
    destroyWeight(b);
  });

  it('reports the quantization error against f32 (W and y = x·Wᵀ)', async () => {
    const M = 16, K = 512, N = 256;
    // weights of a trained layer are roughly Gaussian; a sum of uniforms is close enough and seeded
    const u = [randomArray(N * K, 1), randomArray(N * K, 2), randomArray(N * K, 3)];
    const w = u[0].map((v, i) => (v + u[1][i] + u[2][i]) * 0.05);
    const x = randomArray(M * K, 4);
    const y = matmulRef(x, w, M, K, N);
    const rows: string[] = [];
    const errors: Record<string, number> = {};
    for (const [name, wq] of [
      ['q8 per-row', dequantize(quantizeQ8(w, N, K, K))],
      ['q8 group 128', dequantize(quantizeQ8(w, N, K, 128))],
      ['q8 group 64', dequantize(quantizeQ8(w, N, K, 64))],
      ['q8 group 32', dequantize(quantizeQ8(w, N, K, 32))],
      ['q4 group 32 (scale, min)', dequantize(quantizeQ4(w, N, K))],
    ] as const) {
      const ew = relativeFrobeniusError(wq, w);
      const ey = relativeFrobeniusError(matmulRef(x, wq, M, K, N), y);
      errors[name] = ew;
      rows.push(`${name}: ‖ΔW‖/‖W‖ = ${ew.toExponential(2)}, ‖Δy‖/‖y‖ = ${ey.toExponential(2)}`);
    }
    console.log(`quantization error (K=${K}, Gaussian-like W):\n  ${rows.join('\n  ')}`);
    // 8 bits: step absmax/127 on values of std ~0.05·1 → about 1% or better; 4 bits with (scale, min): about 10%
    expect(errors['q8 group 64']).toBeLessThan(0.02);
    expect(errors['q8 group 64']).toBeLessThanOrEqual(errors['q8 per-row']);
    expect(errors['q4 group 32 (scale, min)']).toBeLessThan(0.15);
  });

  it('rejects bad shapes with clear errors', async () => {
    const rt = await testRuntime();
    const gw = uploadWeight(rt, randomArray(12, 1), 3, 4, 'f32');
    expect(() => matmul(rt, rt.tensor([2, 5]), gw, 2)).toThrow(/matmul: x: expected 8 elements/);
    expect(() => matmul(rt, rt.tensor([9, 4]), gw, 9, { kernel: 'decode' })).toThrow(/decode kernel takes M ≤ 8/);
    expect(() => uploadWeight(rt, randomArray(12, 1), 3, 5, 'q8')).toThrow(/12 values for a \[3, 5\] weight/);
    expect(() => uploadWeight(rt, Float32Array.of(1, NaN, 0, 0), 2, 2, 'q4')).toThrow(/non-finite value NaN at row 0, col 1/);
    destroyWeight(gw);
  });
});

describe('matmulTT (activations, optional transposes)', () => {
  // with M and N multiples of 4, transA without transB runs the vec4 kernel (tn_vec4): odd row and column quads
  // (12, 20), a single quad (4), and 64 × 128 exercise its 8 × 8 blocks' edges. Without transA, K and N multiples
  // of 4 run n_vec4 (nt and nn): rows past a block's edge (37, 5, 130), LoRA's thin sides (N 8, K 8), and more
  // blocks than one workgroup covers (130 × 132)
  for (const [M, K, N] of [[1, 1, 1], [3, 5, 7], [16, 33, 9], [37, 20, 41], [12, 7, 20], [8, 33, 4], [64, 50, 128], [37, 128, 8], [5, 8, 12], [130, 8, 132]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`M=${M} K=${K} N=${N} transA=${transA} transB=${transB}`, async () => {
          const rt = await testRuntime();
          const A = randomArray(M * K, M + K + 1); // op(A) [M, K]
          const B = randomArray(K * N, K + N + 2); // op(B) [K, N]
          const C0 = randomArray(M * N, 3);
          const aStored = transA ? transpose(A, M, K) : A;
          const bStored = transB ? transpose(B, K, N) : B;
          // matmulRef computes x·Wᵀ: with W = op(B)ᵀ [N, K]
          const ref = matmulRef(A, transpose(B, K, N), M, K, N).map((v, i) => 0.5 * v + C0[i]);
          const c = await withoutGpuErrors(rt, () => {
            const tc = rt.tensor([M, N], C0);
            matmulTT(rt, rt.tensor([M * K], aStored), rt.tensor([K * N], bStored), tc, M, K, N, { transA, transB, accumulate: true, alpha: 0.5 });
            return rt.readTensor(tc);
          });
          const err = maxAbsDiff(c, ref);
          console.log(`matmulTT M=${M} K=${K} N=${N} tA=${transA} tB=${transB}: max abs err ${err.toExponential(2)}`);
          expect(err).toBeLessThanOrEqual(dotErrorBound(K + 1, K)); // |a|,|b|,|c| < 1
        });
      }
    }
  }
});

/** [r, c] → [c, r] */
function transpose(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

describe('matmulTT vec4 kernel (weight gradients dW = dYᵀ · X)', () => {
  it('gives the general kernel\'s result at a training shape (M 64, K 300, N 128), with alpha and accumulate', async () => {
    const rt = await testRuntime();
    const [M, K, N] = [64, 300, 128];
    const a = randomArray(K * M, 21); // stored [K, M]
    const b = randomArray(K * N, 22); // stored [K, N]
    const c0 = randomArray(M * N, 23);
    const run = (scalarKernel: boolean) => withoutGpuErrors(rt, () => {
      const c = rt.tensor([M, N], c0);
      matmulTT(rt, rt.tensor([K, M], a), rt.tensor([K, N], b), c, M, K, N, { transA: true, accumulate: true, alpha: 0.25, scalarKernel });
      return rt.readTensor(c);
    });
    const vec4 = await run(false);
    const scalar = await run(true);
    const ref = matmulRef(transpose(a, K, M), transpose(b, K, N), M, K, N).map((v, i) => 0.25 * v + c0[i]);
    expect(maxAbsDiff(vec4, ref)).toBeLessThanOrEqual(dotErrorBound(K + 1, K));
    expect(maxAbsDiff(vec4, scalar)).toBeLessThanOrEqual(dotErrorBound(K + 1, K));
  });
});

describe('matmulTT thin vec4 kernels (LoRA: x · Aᵀ, u · Bᵀ, dy · B, du · A)', () => {
  // N = 8 (into the rank) and K = 8 (out of it), M not a multiple of 4; both B layouts, alpha and accumulate
  for (const [M, K, N] of [[203, 128, 8], [203, 8, 128]]) {
    for (const transB of [true, false]) {
      it(`gives the general kernel's result at M ${M}, K ${K}, N ${N}, ${transB ? 'nt' : 'nn'}`, async () => {
        const rt = await testRuntime();
        const a = randomArray(M * K, 41); // [M, K]
        const b = randomArray(K * N, 42); // stored [N, K] (nt) or [K, N] (nn)
        const c0 = randomArray(M * N, 43);
        const run = (scalarKernel: boolean) => withoutGpuErrors(rt, () => {
          const c = rt.tensor([M, N], c0);
          matmulTT(rt, rt.tensor([M, K], a), rt.tensor([K * N], b), c, M, K, N, { transB, accumulate: true, alpha: 2, scalarKernel });
          return rt.readTensor(c);
        });
        const vec4 = await run(false);
        const scalar = await run(true);
        const ref = matmulRef(a, transB ? b : transpose(b, K, N), M, K, N).map((v, i) => 2 * v + c0[i]);
        expect(maxAbsDiff(vec4, ref)).toBeLessThanOrEqual(dotErrorBound(2 * K + 1, K));
        expect(maxAbsDiff(vec4, scalar)).toBeLessThanOrEqual(dotErrorBound(2 * K + 1, K));
      });
    }
  }
});

describe('matmulTT batches (one dispatch for many products)', () => {
  // 6 products in groups of 3 sharing a B block (grouped-query attention's layout), strides with gaps between
  // blocks; both kernels: the vec4 one (transA, sides multiples of 4) and the general one
  const [count, group, M, K, N] = [6, 3, 8, 5, 12];
  const [strideA, strideB, strideC] = [K * M + 4, K * N + 8, M * N + 4];
  for (const scalarKernel of [false, true]) {
    it(`each product z reads A_z, B_(z / group) and writes C_z only (${scalarKernel ? 'general' : 'vec4'} kernel)`, async () => {
      const rt = await testRuntime();
      const a = randomArray(count * strideA, 31); // block z: stored [K, M] at z · strideA
      const b = randomArray((count / group) * strideB, 32); // block z / group: [K, N]
      const c0 = randomArray(count * strideC, 33);
      const c = await withoutGpuErrors(rt, () => {
        const tc = rt.tensor([count * strideC], c0);
        matmulTT(rt, rt.tensor([count * strideA], a), rt.tensor([(count / group) * strideB], b), tc, M, K, N,
          { transA: true, accumulate: true, alpha: 0.5, scalarKernel, batch: { count, strideA, strideB, strideC, groupB: group } });
        return rt.readTensor(tc);
      });
      const want = c0.slice();
      for (let z = 0; z < count; z++) {
        const az = a.subarray(z * strideA, z * strideA + K * M);
        const bz = b.subarray(Math.floor(z / group) * strideB, Math.floor(z / group) * strideB + K * N);
        const ref = matmulRef(transpose(az, K, M), transpose(bz, K, N), M, K, N);
        for (let i = 0; i < M * N; i++) want[z * strideC + i] += 0.5 * ref[i];
      }
      // the gaps between C blocks keep their values
      expect(maxAbsDiff(c, want)).toBeLessThanOrEqual(dotErrorBound(K + 1, K));
    });
  }

  // the same for the thin vec4 kernels (A blocks stored [M, K]; K and N multiples of 4, M not)
  for (const transB of [true, false]) {
    it(`each product z reads A_z, B_(z / group) and writes C_z only (n_vec4, ${transB ? 'nt' : 'nn'})`, async () => {
      const rt = await testRuntime();
      const [Mt, Kt] = [7, 8];
      const [sA, sB, sC] = [Mt * Kt + 4, Kt * N + 8, Mt * N + 4];
      const a = randomArray(count * sA, 34);
      const b = randomArray((count / group) * sB, 35);
      const c0 = randomArray(count * sC, 36);
      const c = await withoutGpuErrors(rt, () => {
        const tc = rt.tensor([count * sC], c0);
        matmulTT(rt, rt.tensor([count * sA], a), rt.tensor([(count / group) * sB], b), tc, Mt, Kt, N,
          { transB, accumulate: true, alpha: 0.5, batch: { count, strideA: sA, strideB: sB, strideC: sC, groupB: group } });
        return rt.readTensor(tc);
      });
      const want = c0.slice();
      for (let z = 0; z < count; z++) {
        const az = a.subarray(z * sA, z * sA + Mt * Kt);
        const bz = b.subarray(Math.floor(z / group) * sB, Math.floor(z / group) * sB + Kt * N);
        const ref = matmulRef(az, transB ? bz : transpose(bz, Kt, N), Mt, Kt, N);
        for (let i = 0; i < Mt * N; i++) want[z * sC + i] += 0.5 * ref[i];
      }
      expect(maxAbsDiff(c, want)).toBeLessThanOrEqual(dotErrorBound(Kt + 1, Kt));
    });
  }

  it('refuses overlapping blocks, a batch not divisible by its group and operands too small for the batch', async () => {
    const rt = await testRuntime();
    const t = (n: number) => rt.tensor([n]);
    expect(() => matmulTT(rt, t(64), t(64), t(64), 4, 4, 4, { batch: { count: 2, strideA: 8, strideB: 16, strideC: 16 } })).toThrow(/overlap/);
    expect(() => matmulTT(rt, t(64), t(64), t(64), 4, 4, 4, { batch: { count: 3, strideA: 16, strideB: 16, strideC: 16, groupB: 2 } })).toThrow(/groups of 2/);
    expect(() => matmulTT(rt, t(16), t(64), t(64), 4, 4, 4, { batch: { count: 2, strideA: 16, strideB: 16, strideC: 16 } })).toThrow(/a: expected at least 32/);
  });
});
