import { describe, expect, it } from 'vitest';
import type { DifficultyEntry } from '../../src/difficulty/difficulty.ts';
import { SAMPLER_NAMES } from '../../src/loop/config.ts';
import type { SamplerContext, SamplerProblem, SamplerSettings } from '../../src/sampling/sampler.ts';
import { clusterWeights, frontierWeight, makeSampler, numericLabel } from '../../src/sampling/samplers.ts';
import { allocate, probeSize, stratifiedSample } from '../../src/sampling/stratified.ts';
import { Rng } from '../../src/util/random.ts';

const SETTINGS: SamplerSettings = { smoothing: 1, temperature: 1, frontierFloor: 0.05, clusterWeight: 'errors' };

/** 3 clusters of 100: cluster 0 mastered (p = 1), cluster 1 at the frontier (p = 0.5), cluster 2 hopeless (p = 0). */
function context(iteration = 1, excluded: Set<number> = new Set()): SamplerContext {
  const pool: SamplerProblem[] = [];
  const difficulty: DifficultyEntry[] = [];
  for (let i = 0; i < 300; i++) {
    const cluster = Math.floor(i / 100);
    const passRate = [1, 0.5, 0][cluster];
    pool.push({ id: `p${i}`, cluster, label: (i % 3) + 1 });
    difficulty.push({ id: `p${i}`, cluster, estimated: i % 10 !== 0, passRate, steps: 2, tokens: 10, score: 1 - passRate });
  }
  const clusterErrors = [{ cluster: 0, errors: 0, answers: 80 }, { cluster: 1, errors: 40, answers: 80 }, { cluster: 2, errors: 80, answers: 80 }];
  return { pool, iteration, difficulty, clusterErrors, excluded };
}

function countByCluster(ctx: SamplerContext, indices: number[]): number[] {
  const out = [0, 0, 0];
  for (const i of indices) out[ctx.pool[i].cluster]++;
  return out;
}

describe('stratified probe sample', () => {
  it('size is max(minCount, ceil(fraction · pool)), capped at the pool', () => {
    expect(probeSize(2000, { fraction: 0.01, minCount: 32 })).toBe(32);
    expect(probeSize(100000, { fraction: 0.01, minCount: 32 })).toBe(1000);
    expect(probeSize(1, { fraction: 0.01, minCount: 32 })).toBe(1);
  });

  it('every cluster gets at least one, the rest in proportion to size', () => {
    const quota = allocate(new Map([[0, 900], [1, 90], [2, 10]]), 20);
    expect([...quota.values()].reduce((a, b) => a + b, 0)).toBe(20);
    expect(quota.get(2)).toBeGreaterThanOrEqual(1);
    expect(quota.get(0)).toBeGreaterThan(quota.get(1)!);
    const clusters = Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : i < 990 ? 1 : 2));
    const chosen = stratifiedSample(clusters, { fraction: 0.02, minCount: 5 }, new Rng(1));
    expect(chosen).toHaveLength(20);
    expect(new Set(chosen).size).toBe(20);
    expect(new Set(chosen.map((i) => clusters[i]))).toEqual(new Set([0, 1, 2]));
    expect(stratifiedSample(clusters, { fraction: 0.02, minCount: 5 }, new Rng(1))).toEqual(chosen);
  });

  it('one problem: probes it', () => {
    expect(stratifiedSample([0], { fraction: 0.01, minCount: 32 }, new Rng(1))).toEqual([0]);
  });
});

describe('samplers', () => {
  it('cluster weights grow with the errors found, smoothed and tempered', () => {
    const ctx = context();
    const w = clusterWeights(ctx.clusterErrors!, SETTINGS);
    expect(w.get(0)! < w.get(1)! && w.get(1)! < w.get(2)!).toBe(true);
    expect(w.get(0)).toBeCloseTo(1 / 123, 12);
    const flat = clusterWeights(ctx.clusterErrors!, { ...SETTINGS, temperature: 100 });
    expect(flat.get(2)! / flat.get(0)!).toBeLessThan(1.1);
    const rate = clusterWeights(ctx.clusterErrors!, { ...SETTINGS, clusterWeight: 'error-rate' });
    expect(rate.get(2)! / rate.get(1)!).toBeCloseTo((81 / 82) / (41 / 82), 12);
  });

  it('frontier weight is 4p(1−p), floored', () => {
    expect(frontierWeight(0.5, 0.05)).toBe(1);
    expect(frontierWeight(1, 0.05)).toBe(0.05);
    expect(frontierWeight(0.25, 0.05)).toBeCloseTo(0.75, 12);
  });

  it('SAI draws most from weak clusters and, within them, the frontier; without replacement; seeded', () => {
    const ctx = context();
    const sai = makeSampler('sai', SETTINGS);
    const { indices, clusterWeights: weights } = sai.draw(ctx, 60, new Rng(3));
    expect(indices).toHaveLength(60);
    expect(new Set(indices).size).toBe(60);
    const counts = countByCluster(ctx, indices);
    expect(counts[0]).toBeLessThan(counts[2]);
    expect(weights).not.toBeNull();
    expect(sai.draw(ctx, 60, new Rng(3)).indices).toEqual(indices);
    // no knowledge: the frontier cluster dominates
    const noKnowledge = countByCluster(ctx, makeSampler('sai-no-knowledge', SETTINGS).draw(ctx, 60, new Rng(3)).indices);
    expect(noKnowledge[1]).toBeGreaterThan(noKnowledge[0] + noKnowledge[2]);
    // no difficulty: cluster weights only (cluster 2 has the most errors)
    const noDifficulty = countByCluster(ctx, makeSampler('sai-no-difficulty', SETTINGS).draw(ctx, 60, new Rng(3)).indices);
    expect(noDifficulty[2]).toBeGreaterThan(noDifficulty[0]);
  });

  it('prioritized weighs 1 − success rate; random is uniform; curriculum goes easy to hard across iterations', () => {
    const ctx = context();
    const pr = countByCluster(ctx, makeSampler('prioritized', SETTINGS).draw(ctx, 90, new Rng(1)).indices);
    expect(pr[2]).toBeGreaterThan(pr[1]);
    expect(pr[1]).toBeGreaterThan(pr[0]);
    const random = makeSampler('random', SETTINGS);
    expect(random.needsProbe).toBe(false);
    expect(new Set(random.draw({ ...ctx, difficulty: null, clusterErrors: null }, 50, new Rng(1)).indices).size).toBe(50);
    const curriculum = makeSampler('curriculum', SETTINGS);
    const first = curriculum.draw({ ...ctx, difficulty: null }, 100, new Rng(1)).indices;
    expect(first.every((i) => ctx.pool[i].label === 1)).toBe(true);
    const third = curriculum.draw({ ...context(3), difficulty: null }, 100, new Rng(1)).indices;
    expect(third.every((i) => ctx.pool[i].label === 3)).toBe(true);
  });

  it('a budget larger than the pool draws what is there and says so', () => {
    for (const name of SAMPLER_NAMES) {
      const ctx = context(1, new Set(Array.from({ length: 290 }, (_, i) => i)));
      const draw = makeSampler(name, SETTINGS).draw(ctx, 50, new Rng(1));
      expect(draw.indices.sort((a, b) => a - b), name).toEqual([290, 291, 292, 293, 294, 295, 296, 297, 298, 299]);
      expect(draw.notes.join(' '), name).toMatch(/asked for 50 problems, 10 could be drawn: drew 10/);
    }
  });

  it('samplers that read the probe say so when an iteration has none', () => {
    const ctx = { ...context(), difficulty: null, clusterErrors: null };
    expect(() => makeSampler('sai', SETTINGS).draw(ctx, 5, new Rng(1))).toThrow(/needs the probe/);
    expect(() => makeSampler('prioritized', SETTINGS).draw(ctx, 5, new Rng(1))).toThrow(/needs the probe/);
  });

  it('reads difficulty labels', () => {
    expect([numericLabel(3), numericLabel('Level 4'), numericLabel('hard'), numericLabel(undefined)]).toEqual([3, 4, null, null]);
  });
});
