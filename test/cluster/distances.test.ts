import { describe, expect, it } from 'vitest';
import { dotKernel, dotProducts, rowSquaredNorms, squaredDistances } from '../../src/cluster/distances.ts';
import { dotBlockModule } from '../../src/cluster/wasm-dots.ts';
import { uniformArray } from '../../src/util/random.ts';
import { maxAbsDiff } from '../helpers/gpu.ts';
import { squaredDistance } from './reference.ts';

// odd row counts, k not a multiple of 4 and dims not a multiple of 4 exercise every tail and padding
const SHAPES = [
  [1, 1, 1],
  [2, 4, 8],
  [5, 7, 3],
  [9, 13, 17],
  [4, 3, 384],
  [64, 50, 384],
];

function problem(count: number, k: number, dim: number) {
  const n = count + 3;
  const data = uniformArray(n * dim, 11 + count);
  const centroids = uniformArray(k * dim, 23 + k);
  const rows = Int32Array.from({ length: count }, (_, r) => (r * 2 + 1) % n); // not in order, not contiguous
  return { n, data, centroids, rows };
}

describe('dot products', () => {
  it('run in WebAssembly SIMD here (Node 20 and Chromium have it)', () => {
    expect(dotBlockModule()).not.toBeNull();
    expect(dotKernel(new Float32Array(4), 1, 4).kind).toBe('wasm-simd');
    expect(dotKernel(new Float32Array(4), 1, 4, 'js').kind).toBe('js');
    expect(() => dotKernel(new Float32Array(4), 1, 4, 'gpu' as 'js')).toThrow(/choice must be "auto", "js" or "wasm-simd", got "gpu"/);
  });

  for (const [count, k, dim] of SHAPES) {
    it(`match the definition for ${count} rows × ${k} centroids × ${dim} dims (TypeScript, f64)`, () => {
      const { data, centroids, rows } = problem(count, k, dim);
      const dots = new Float64Array(count * k);
      dotProducts(data, dim, rows, count, centroids, k, dots);
      let worst = 0;
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < k; j++) {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += data[rows[r] * dim + d] * centroids[j * dim + d];
          worst = Math.max(worst, Math.abs(dots[r * k + j] - dot));
        }
      }
      expect(worst).toBeLessThan(1e-10);
    });

    it(`WebAssembly SIMD agrees with the TypeScript reference for ${count} × ${k} × ${dim} (f32 accumulation)`, () => {
      const { n, data, centroids, rows } = problem(count, k, dim);
      const wasm = new Float64Array(count * k);
      dotKernel(data, n, dim, 'wasm-simd').dots(rows, count, centroids, k, wasm);
      const ts = new Float64Array(count * k);
      dotProducts(data, dim, rows, count, centroids, k, ts);
      // f32 sums of `dim` products of values in [-1, 1]: error ~ dim · 6e-8 at worst
      expect(maxAbsDiff(wasm, ts)).toBeLessThan(dim * 6e-8 + 1e-7);
    });
  }

  it('a wasm kernel is reusable across calls with different centroids and k', () => {
    const { n, data, rows } = problem(9, 1, 17);
    const kernel = dotKernel(data, n, 17, 'wasm-simd');
    for (const k of [9, 2, 40]) {
      const centroids = uniformArray(k * 17, k);
      const a = new Float64Array(9 * k);
      const b = new Float64Array(9 * k);
      kernel.dots(rows, 9, centroids, k, a);
      dotProducts(data, 17, rows, 9, centroids, k, b);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    }
  });
});

describe('squared distances', () => {
  for (const choice of ['js', 'wasm-simd'] as const) {
    it(`match the definition (${choice})`, () => {
      const { n, data, centroids, rows } = problem(9, 13, 17);
      const d2 = new Float64Array(9 * 13);
      squaredDistances(dotKernel(data, n, 17, choice), rowSquaredNorms(data, n, 17), rows, 9, centroids, rowSquaredNorms(centroids, 13, 17), 13, d2);
      for (let r = 0; r < 9; r++) for (let j = 0; j < 13; j++) expect(d2[r * 13 + j]).toBeCloseTo(squaredDistance(data, rows[r], centroids, j, 17), 5);
    });

    it(`clamp a row equal to a centroid at 0, never below (${choice})`, () => {
      const data = Float32Array.of(0.1, 0.7, -0.3);
      const out = new Float64Array(1);
      const norms = rowSquaredNorms(data, 1, 3);
      squaredDistances(dotKernel(data, 1, 3, choice), norms, Int32Array.of(0), 1, data, norms, 1, out);
      expect(out[0]).toBeGreaterThanOrEqual(0);
      expect(out[0]).toBeLessThan(1e-6);
    });
  }
});
