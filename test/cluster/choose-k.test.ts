import { describe, expect, it } from 'vitest';
import { chooseK } from '../../src/cluster/choose-k.ts';
import { kmeans } from '../../src/cluster/kmeans.ts';
import { pairwiseDistances, silhouetteScore } from '../../src/cluster/silhouette.ts';
import { gaussianMixture } from '../../src/cluster/synthetic.ts';
import { naiveSilhouette } from './reference.ts';

describe('silhouette', () => {
  it('matches its definition, singletons included', () => {
    const { data } = gaussianMixture(60, 5, 4, 2, 1.2);
    const labels = kmeans(data, 60, 5, { k: 4, seed: 3 }).assignments;
    labels[0] = 4; // a singleton cluster
    expect(silhouetteScore(pairwiseDistances(data, 60, 5), 60, labels, 5)).toBeCloseTo(naiveSilhouette(data, 60, 5, labels), 6);
  });

  it('needs two clusters', () => {
    expect(() => silhouetteScore(new Float32Array(4), 2, Int32Array.of(0, 0), 1)).toThrow(/at least 2 non-empty clusters, got 1/);
  });
});

describe('chooseK', () => {
  it('finds the number of well-separated groups', () => {
    const { data } = gaussianMixture(800, 16, 6, 4, 0.4);
    const result = chooseK(data, 800, 16, { kMin: 2, kMax: 12, seed: 1 });
    expect(result.k).toBe(6);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.range).toEqual([2, 12]);
  });

  it('scores a seeded sample of a large set, the same every time', () => {
    const { data } = gaussianMixture(5000, 8, 5, 9, 0.4);
    const a = chooseK(data, 5000, 8, { kMin: 2, kMax: 8, seed: 3, sampleSize: 400 });
    const b = chooseK(data, 5000, 8, { kMin: 2, kMax: 8, seed: 3, sampleSize: 400 });
    expect(a.sampleSize).toBe(400);
    expect(a).toEqual(b);
    expect(a.k).toBe(5);
  });

  it('caps kMax at the distinct rows and answers k = 1 when there is nothing to split', () => {
    const two = Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)); // 10 rows × 2 dims: two distinct rows
    const capped = chooseK(two, 10, 2, { kMin: 2, kMax: 9, seed: 1 });
    expect(capped).toMatchObject({ k: 2, range: [2, 2] });
    expect(chooseK(new Float32Array(20).fill(3), 10, 2, { kMin: 2, kMax: 9, seed: 1 })).toMatchObject({ k: 1, scores: [], range: null });
    expect(chooseK(Float32Array.of(1, 2), 1, 2, { kMin: 2, kMax: 9, seed: 1 }).k).toBe(1);
  });

  it('explains bad options', () => {
    const data = new Float32Array(20);
    expect(() => chooseK(data, 10, 2, { kMin: 5, kMax: 3, seed: 1 })).toThrow('chooseK: kMax must be an integer >= kMin (5), got 3');
    expect(() => chooseK(data, 10, 2, { kMin: 0, kMax: 3, seed: 1 })).toThrow(/kMin must be a positive integer/);
    expect(() => chooseK(data, 10, 2, { kMin: 2, kMax: 3, seed: 1, sampleSize: 2 })).toThrow(/sampleSize must be an integer >= 3/);
  });
});
