import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';
import { clusterPool, type ClusterProgress } from '../../src/cluster/cluster-pool.ts';
import { generateCurriculum } from '../../src/data/curriculum/index.ts';
import type { Problem } from '../../src/data/problem.ts';
import { builtinEmbedder } from '../../src/embed/builtin.ts';

const problem = (id: string, question: string, tags?: string[]): Problem => ({ id, question, answer: '1', source: 'test', knowledge_points: tags });

describe('clusterPool', () => {
  it('clusters the curriculum by knowledge point, k chosen by silhouette, with a projection for every problem', async () => {
    const problems = generateCurriculum({ seed: 3, count: 1500, split: 'train' });
    const events: ClusterProgress[] = [];
    const result = await clusterPool(problems, builtinEmbedder(), { seed: 1, kMin: 2, kMax: 30 }, (p) => events.push(p));
    const tagSets = problems.map((p) => p.knowledge_points!.join('|'));
    expect(result.k).toBe(new Set(tagSets).size); // 18 distinct tag sets among 22 generators
    expect(adjustedRandIndex(result.assignments, tagSets)).toBe(1);
    expect(adjustedRandIndex(result.assignments, problems.map((p) => String(p.meta!.generator)))).toBeGreaterThanOrEqual(0.6);
    expect(result.assignments.length).toBe(1500);
    expect(Array.from(result.assignments).every((a) => a >= 0 && a < result.k)).toBe(true);
    expect(result.centroids.length).toBe(result.k * result.embeddingDim);
    expect(result.embeddings.length).toBe(1500 * result.embeddingDim);
    expect(result.projection.length).toBe(3000);
    expect(result.projection.every(Number.isFinite)).toBe(true);
    expect(result.search?.scores.length).toBeGreaterThan(1);
    expect([...new Set(events.map((e) => e.phase))]).toEqual(['embed', 'choose-k', 'kmeans', 'project']);
    const embedEvents = events.filter((e) => e.phase === 'embed');
    expect(embedEvents.at(-1)).toEqual({ phase: 'embed', done: 1500, total: 1500 });
    const searched = result.search!.range![1] - result.search!.range![0] + 1;
    expect(events.filter((e) => e.phase === 'choose-k').at(-1)).toEqual({ phase: 'choose-k', done: searched, total: searched });
    expect(events.filter((e) => e.phase === 'kmeans')).toEqual([
      { phase: 'kmeans', done: 0, total: 1 },
      { phase: 'kmeans', done: 1, total: 1 },
    ]);
  });

  it('uses a given k and repeats exactly for a seed', async () => {
    const problems = generateCurriculum({ seed: 4, count: 300, split: 'train' });
    const a = await clusterPool(problems, builtinEmbedder(), { seed: 9, k: 5 });
    const b = await clusterPool(problems, builtinEmbedder(), { seed: 9, k: 5 });
    expect(a.k).toBe(5);
    expect(a.search).toBeNull();
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(Array.from(a.projection)).toEqual(Array.from(b.projection));
  });

  it('clusters problems with no tags by their question', async () => {
    const problems = [
      ...['3/4 + 1/8', '2/3 + 5/6', '7/9 - 1/3'].map((q, i) => problem(`f${i}`, `Simplify ${q}.`)),
      ...['12 cm to mm', '4 km to m', '9 m to cm'].map((q, i) => problem(`u${i}`, `Convert ${q.replace(' to ', ' to ')} please, in units.`)),
    ];
    const result = await clusterPool(problems, builtinEmbedder(), { seed: 1, k: 2 });
    expect(adjustedRandIndex(result.assignments, [0, 0, 0, 1, 1, 1])).toBe(1);
  });

  it('one problem: k = 1, cluster 0, projection (0, 0)', async () => {
    const result = await clusterPool([problem('a', 'What is 1 + 1?', ['arith.add-sub'])], builtinEmbedder(), { seed: 1 });
    expect(result).toMatchObject({ k: 1, notes: ['one problem: k = 1'] });
    expect(Array.from(result.assignments)).toEqual([0]);
    expect(Array.from(result.projection)).toEqual([0, 0]);
  });

  it('identical knowledge text: k = 1; a k above the distinct texts is capped and the cap reported', async () => {
    const same = [1, 2, 3, 4].map((i) => problem(`p${i}`, `Question ${i}`, ['ratio.basic']));
    const one = await clusterPool(same, builtinEmbedder(), { seed: 1 });
    expect(one.k).toBe(1);
    expect(one.notes).toEqual(['all 4 problems have the same embedding: k = 1']);
    const two = [...same, problem('q', 'Other', ['percent.basic'])];
    const capped = await clusterPool(two, builtinEmbedder(), { seed: 1, k: 4 });
    expect(capped.k).toBe(2);
    expect(capped.notes).toEqual(['k capped from 4 to 2: only 2 distinct embeddings among 5 problems']);
    expect(Array.from(capped.assignments.slice(0, 4)).every((a) => a === capped.assignments[0])).toBe(true);
    expect(capped.assignments[4]).not.toBe(capped.assignments[0]);
  });

  it('explains an empty pool and a bad k', async () => {
    await expect(clusterPool([], builtinEmbedder(), { seed: 1 })).rejects.toThrow('clusterPool: the pool is empty (no problems to cluster)');
    await expect(clusterPool([problem('a', 'x')], builtinEmbedder(), { seed: 1, k: 0 })).rejects.toThrow('clusterPool: k must be a positive integer or null, got 0');
  });
});
