// The held-out problems placed in the pool's knowledge clusters (src/loop/held-out-clusters.ts): nearest centroid
// as brute force finds it, the same cluster as the pool problems with the same knowledge points, every problem
// placed, and per-cluster accuracy whose counts add up to the held-out set.
import { describe, expect, it } from 'vitest';
import { clusterPool } from '../../src/cluster/cluster-pool.ts';
import type { Problem } from '../../src/data/problem.ts';
import { builtinEmbedder } from '../../src/embed/builtin.ts';
import { centroidsFromBytes, centroidsToBytes, clusterHeldOut, clusterKnowledgePoints, nearestCentroids, perClusterAccuracy } from '../../src/loop/held-out-clusters.ts';
import { Rng } from '../../src/util/random.ts';

const POINTS = ['arithmetic.addition', 'geometry.area-of-rectangle', 'number-theory.gcd'];

function problems(prefix: string, count: number, tagged = true): Problem[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`, question: `What is ${i} and ${i + 1}?`, answer: String(i), source: 'test',
    ...(tagged ? { knowledge_points: [POINTS[i % 3]] } : {}),
  }));
}

describe('held-out clusters', () => {
  it('assigns each row to its nearest centroid, as brute force does', () => {
    const rng = new Rng(5);
    const n = 300, dim = 7, k = 5;
    const data = Float32Array.from({ length: n * dim }, () => rng.next() * 2 - 1);
    const centroids = Float32Array.from({ length: k * dim }, () => rng.next() * 2 - 1);
    const got = nearestCentroids(data, n, dim, centroids, k);
    for (let i = 0; i < n; i++) {
      const d = (c: number) => { let s = 0; for (let j = 0; j < dim; j++) s += (data[i * dim + j] - centroids[c * dim + j]) ** 2; return s; };
      const best = [...Array(k).keys()].reduce((a, b) => (d(b) < d(a) - 1e-9 ? b : a), 0);
      expect(got[i], `row ${i}`).toBe(best);
    }
    expect(nearestCentroids(new Float32Array(0), 0, dim, centroids, k)).toEqual([]);
  });

  it('round-trips the centroids through bytes and names a wrong length', () => {
    const c = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect([...centroidsFromBytes(centroidsToBytes(c), 2, 3)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => centroidsFromBytes(centroidsToBytes(c), 3, 3)).toThrow(/clusters-centroids: expected 3 × 3 float32 values \(36 bytes\), got 24 bytes/);
  });

  it('names clusters by their most common pool knowledge points (ties: first seen)', () => {
    expect(clusterKnowledgePoints([0, 0, 0, 1, 1], [['a'], ['b', 'a'], ['b'], ['c'], []], 3)).toEqual([['a', 'b'], ['c'], []]);
  });

  it('places held-out problems in the cluster of the pool problems that share their knowledge points; counts add up', async () => {
    const embedder = builtinEmbedder();
    const pool = problems('p', 30);
    const clustered = await clusterPool(pool, embedder, { k: 3, seed: 1 });
    const tags = pool.map((p) => p.knowledge_points!);
    const clusterOf = new Map(pool.map((p, i) => [p.knowledge_points![0], clustered.assignments[i]]));
    expect(new Set(clusterOf.values()).size).toBe(3);
    const heldOut = [...problems('h', 9), ...problems('u', 2, false)];
    const placed = await clusterHeldOut(heldOut, { k: 3, embeddingDim: embedder.dim, centroids: clustered.centroids, assignments: [...clustered.assignments], tags }, embedder);
    expect(placed.assignments).toHaveLength(heldOut.length);
    heldOut.slice(0, 9).forEach((p, i) => expect(placed.assignments[i], p.id).toBe(clusterOf.get(p.knowledge_points![0])));
    for (const c of placed.assignments) expect(c >= 0 && c < 3).toBe(true);
    expect(placed.knowledgePoints.map((kps) => kps[0]).sort()).toEqual([...POINTS].sort());
    const correct: number[] = heldOut.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const per = perClusterAccuracy(placed, correct, 1);
    expect(Object.values(per).reduce((a, v) => a + v.count, 0)).toBe(heldOut.length);
    const overall = correct.reduce((a, b) => a + b, 0) / correct.length;
    expect(Object.values(per).reduce((a, v) => a + v.accuracy * v.count, 0) / heldOut.length).toBeCloseTo(overall, 12);
    expect(() => perClusterAccuracy(placed, correct.slice(1), 1)).toThrow(/11 assignments for 10 held-out problems/);
    await expect(clusterHeldOut(heldOut, { k: 3, embeddingDim: 8, centroids: new Float32Array(24), assignments: [], tags: [] }, embedder)).rejects.toThrow(/256 dimensions, the pool's clusters have 8/);
  });
});
