import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';
import { dotKernel, rowSquaredNorms } from '../../src/cluster/distances.ts';
import { inertia } from '../../src/cluster/inertia.ts';
import { kmeans, lloyd } from '../../src/cluster/kmeans.ts';
import { gatherRows } from '../../src/cluster/matrix.ts';
import { kmeansPlusPlus } from '../../src/cluster/seeding.ts';
import { gaussianMixture } from '../../src/cluster/synthetic.ts';
import { Rng, uniformArray } from '../../src/util/random.ts';
import { naiveKmeansPlusPlus, naiveLloyd } from './reference.ts';

describe('k-means++ seeding', () => {
  it('draws the same seeds as the unpruned definition', () => {
    const { data } = gaussianMixture(600, 16, 6, 3, 0.6);
    for (const seed of [1, 2, 3]) {
      const fast = kmeansPlusPlus(data, 600, 16, 6, new Rng(seed));
      expect(Array.from(fast.seeds)).toEqual(naiveKmeansPlusPlus(data, 600, 16, 6, seed));
    }
  });

  it("reports every row's nearest seed and its squared distance", () => {
    const data = uniformArray(200 * 5, 9);
    const { seeds, nearest, distances } = kmeansPlusPlus(data, 200, 5, 7, new Rng(4));
    for (let i = 0; i < 200; i++) {
      const d = Array.from(seeds, (s) => {
        let t = 0;
        for (let c = 0; c < 5; c++) t += (data[i * 5 + c] - data[s * 5 + c]) ** 2;
        return t;
      });
      expect(distances[i]).toBeCloseTo(Math.min(...d), 5); // f32 dot products (wasm-dots.ts)
      expect(d[nearest[i]]).toBeCloseTo(Math.min(...d), 5);
    }
  });

  it('the greedy variant (several candidates per centre) lowers the potential', () => {
    const { data } = gaussianMixture(2000, 8, 20, 5, 0.8);
    const potential = (trials: number) => [1, 2, 3, 4, 5].reduce((s, seed) => s + kmeansPlusPlus(data, 2000, 8, 20, new Rng(seed), { trials }).distances.reduce((a, b) => a + b, 0), 0);
    expect(potential(5)).toBeLessThan(potential(1));
  });
});

describe('kmeans', () => {
  for (const choice of ['js', 'wasm-simd'] as const) it(`gives plain Lloyd's result from the same seeds (Hamerly's bounds skip only what cannot move; ${choice})`, () => {
    for (const [n, dim, k, noise] of [
      [500, 8, 5, 1.5],
      [800, 33, 12, 2],
      [300, 3, 9, 1],
    ]) {
      const { data } = gaussianMixture(n, dim, k, n + dim, noise);
      const seeding = kmeansPlusPlus(data, n, dim, k, new Rng(7));
      const initial = gatherRows(data, dim, seeding.seeds);
      const fast = lloyd(data, n, dim, initial, k, rowSquaredNorms(data, n, dim), 1000, 0, undefined, dotKernel(data, n, dim, choice));
      const slow = naiveLloyd(data, n, dim, initial, k);
      expect(Array.from(fast.assignments)).toEqual(Array.from(slow.assignments));
      for (let i = 0; i < k * dim; i++) expect(fast.centroids[i]).toBeCloseTo(slow.centroids[i], 5);
    }
  });

  it('recovers well-separated clusters, with the inertia of its own assignment', () => {
    const { data, labels } = gaussianMixture(3000, 64, 10, 1, 0.3);
    const result = kmeans(data, 3000, 64, { k: 10, seed: 1, restarts: 3 });
    expect(adjustedRandIndex(result.assignments, labels)).toBe(1);
    expect(result.inertia).toBeCloseTo(inertia(data, 3000, 64, result.centroids, result.assignments), 6);
    expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(result.iterations).toBeGreaterThanOrEqual(1);
  });

  it('the TypeScript and the WebAssembly kernels give the same clustering', () => {
    const { data } = gaussianMixture(2000, 40, 12, 6, 1);
    const js = kmeans(data, 2000, 40, { k: 12, seed: 3, kernel: 'js' });
    const wasm = kmeans(data, 2000, 40, { k: 12, seed: 3, kernel: 'wasm-simd' });
    expect(adjustedRandIndex(js.assignments, wasm.assignments)).toBe(1);
    expect(wasm.inertia).toBeCloseTo(js.inertia, 3);
  });

  it('repeats exactly for a seed; more restarts never give a higher inertia', () => {
    const { data } = gaussianMixture(1000, 12, 8, 2, 1.5);
    const a = kmeans(data, 1000, 12, { k: 8, seed: 42 });
    const b = kmeans(data, 1000, 12, { k: 8, seed: 42 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const best = kmeans(data, 1000, 12, { k: 8, seed: 42, restarts: 4 });
    expect(best.inertia).toBeLessThanOrEqual(a.inertia + 1e-9);
  });

  it('moves an empty cluster to the farthest row, so every centroid is used', () => {
    const { data } = gaussianMixture(400, 4, 4, 8, 0.5);
    const initial = gatherRows(data, 4, [0, 1, 2, 3]);
    initial.fill(1000, 0, 4); // centroid 0 far from every row: empty after the first assignment
    const result = lloyd(data, 400, 4, initial, 4, rowSquaredNorms(data, 400, 4), 300, 0);
    expect(Array.from(result.sizes).every((s) => s > 0)).toBe(true);
  });

  it('one row, k = 1: that row is the centroid', () => {
    const result = kmeans(Float32Array.of(0.5, -2), 1, 2, { k: 1, seed: 1 });
    expect(Array.from(result.assignments)).toEqual([0]);
    expect(Array.from(result.centroids)).toEqual([0.5, -2]);
    expect(result.inertia).toBe(0);
  });

  it('identical rows: everything in cluster 0, the other clusters empty (fewer distinct rows than k)', () => {
    const data = new Float32Array(10 * 3).fill(0.25);
    const result = kmeans(data, 10, 3, { k: 3, seed: 5 });
    expect(Array.from(result.assignments)).toEqual(new Array(10).fill(0));
    expect(Array.from(result.sizes)).toEqual([10, 0, 0]);
    expect(result.inertia).toBe(0);
  });

  it('explains bad input', () => {
    const data = uniformArray(12, 1);
    expect(() => kmeans(data, 4, 3, { k: 5, seed: 1 })).toThrow('kmeans: k (5) is larger than the number of rows (4)');
    expect(() => kmeans(data, 4, 3, { k: 0, seed: 1 })).toThrow(/k must be a positive integer/);
    expect(() => kmeans(data, 5, 3, { k: 2, seed: 1 })).toThrow(/data has 12 values, expected n\*dim = 5\*3 = 15/);
    expect(() => kmeans(new Float32Array(0), 0, 3, { k: 1, seed: 1 })).toThrow(/no rows/);
    const bad = Float32Array.from(data);
    bad[7] = NaN;
    expect(() => kmeans(bad, 4, 3, { k: 2, seed: 1 })).toThrow('kmeans: data row 3 (1-based) has a non-finite value NaN at column 2');
    expect(() => kmeans(data, 4, 3, { k: 2, seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});
