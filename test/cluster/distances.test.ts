import { describe, expect, it } from 'vitest';
import { dotProducts, rowSquaredNorms, squaredDistances } from '../../src/cluster/distances.ts';
import { uniformArray } from '../../src/util/random.ts';
import { squaredDistance } from './reference.ts';

describe('blocked distances', () => {
  // odd row counts, k not a multiple of 4 and odd dims exercise every tail of the 2×4 blocking
  for (const [count, k, dim] of [
    [1, 1, 1],
    [2, 4, 8],
    [5, 7, 3],
    [9, 13, 17],
    [4, 3, 384],
  ]) {
    it(`match the definition for ${count} rows × ${k} centroids × ${dim} dims`, () => {
      const n = count + 3;
      const data = uniformArray(n * dim, 11 + count);
      const centroids = uniformArray(k * dim, 23 + k);
      const rows = Int32Array.from({ length: count }, (_, r) => (r * 2 + 1) % n); // not in order, not contiguous
      const dots = new Float64Array(count * k);
      dotProducts(data, dim, rows, count, centroids, k, dots);
      const d2 = new Float64Array(count * k);
      squaredDistances(data, dim, rowSquaredNorms(data, n, dim), rows, count, centroids, rowSquaredNorms(centroids, k, dim), k, d2);
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < k; j++) {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += data[rows[r] * dim + d] * centroids[j * dim + d];
          expect(dots[r * k + j]).toBeCloseTo(dot, 10);
          expect(d2[r * k + j]).toBeCloseTo(squaredDistance(data, rows[r], centroids, j, dim), 9);
        }
      }
    });
  }

  it('clamp a row equal to a centroid to exactly 0, not a tiny negative', () => {
    const data = Float32Array.of(0.1, 0.7, -0.3);
    const out = new Float64Array(1);
    const norms = rowSquaredNorms(data, 1, 3);
    squaredDistances(data, 3, norms, Int32Array.of(0), 1, data, norms, 1, out);
    expect(out[0]).toBeGreaterThanOrEqual(0);
    expect(out[0]).toBeLessThan(1e-12);
  });
});
