import { describe, expect, it } from 'vitest';
import { compareDifficulty, difficultyTable } from '../../src/difficulty/difficulty.ts';
import { summarizeProbe } from '../../src/difficulty/probe-stats.ts';

const answers = (correct: boolean[], steps = 2, tokens = 10) => correct.map((c) => ({ correct: c, steps, tokens }));

describe('probe statistics', () => {
  it('pass rate, unbiased pass@k and means per problem', () => {
    const p = summarizeProbe('a', 0, [{ correct: true, steps: 2, tokens: 10 }, { correct: false, steps: 4, tokens: 30 }, { correct: false, steps: 3, tokens: 20 }, { correct: true, steps: 3, tokens: 20 }]);
    expect(p).toMatchObject({ k: 4, correct: 2, passRate: 0.5, meanSteps: 3, meanTokens: 20 });
    expect(p.passAt1).toBeCloseTo(0.5, 12);
    expect(p.passAtK).toBe(1);
  });

  it('a probe where every answer is right, or none is', () => {
    expect(summarizeProbe('x', 1, answers([true, true, true]))).toMatchObject({ passRate: 1, passAt1: 1 });
    expect(summarizeProbe('y', 1, answers([false, false]))).toMatchObject({ passRate: 0, passAtK: 0 });
  });
});

describe('self-aware difficulty', () => {
  it('orders by pass rate, then steps, then length; the scalar keeps that order', () => {
    const probes = [
      summarizeProbe('easy', 0, answers([true, true, true, true], 2, 10)),
      summarizeProbe('mid-short', 0, answers([true, true, false, false], 2, 10)),
      summarizeProbe('mid-long', 0, answers([true, true, false, false], 2, 40)),
      summarizeProbe('mid-steps', 0, answers([true, true, false, false], 5, 5)),
      summarizeProbe('hard', 0, answers([false, false, false, true], 1, 5)),
    ];
    const pool = probes.map((p) => ({ id: p.id, cluster: 0 }));
    const table = difficultyTable(pool, probes, null, 0, { neighbours: 3, clusterWeight: 1, priorPassRate: 0.5 });
    const byScore = [...table].sort((a, b) => a.score - b.score).map((e) => e.id);
    expect(byScore).toEqual(['easy', 'mid-short', 'mid-long', 'mid-steps', 'hard']);
    const lexical = [...table].sort(compareDifficulty).map((e) => e.id);
    expect(lexical).toEqual(byScore);
    expect(table.every((e) => !e.estimated)).toBe(true);
  });

  it('estimates unprobed problems from their cluster and nearest probed neighbours, by the documented rule', () => {
    // cluster 0: probed a (p=1) near u, probed b (p=0) far from u; cluster 1: nothing probed
    const emb = new Float32Array([1, 0, /* a */ 0, 1, /* b */ 0.9, 0.1, /* u */ 0.5, 0.5 /* v, cluster 1 */]);
    const probes = [summarizeProbe('a', 0, answers([true, true])), summarizeProbe('b', 0, answers([false, false]))];
    const pool = [{ id: 'a', cluster: 0 }, { id: 'b', cluster: 0 }, { id: 'u', cluster: 0 }, { id: 'v', cluster: 1 }];
    const t = difficultyTable(pool, probes, emb, 2, { neighbours: 1, clusterWeight: 2, priorPassRate: 0.3 });
    // u: nearest probed is a (p = 1); cluster mean 0.5; (1 + 2·0.5) / 3
    expect(t[2]).toMatchObject({ id: 'u', estimated: true });
    expect(t[2].passRate).toBeCloseTo(2 / 3, 12);
    expect(t[2].score).toBeCloseTo(1 / 3, 12);
    // v: its cluster has no probed problem: the mean of all probed (0.5)
    expect(t[3].passRate).toBeCloseTo(0.5, 12);
    // nothing probed at all: the prior
    const none = difficultyTable(pool, [], emb, 2, { neighbours: 1, clusterWeight: 2, priorPassRate: 0.3 });
    expect(none.map((e) => e.passRate)).toEqual([0.3, 0.3, 0.3, 0.3]);
  });

  it('names a probed problem that is not in the pool', () => {
    expect(() => difficultyTable([{ id: 'a', cluster: 0 }], [summarizeProbe('zz', 0, answers([true]))], null, 0, { neighbours: 1, clusterWeight: 1, priorPassRate: 0.5 })).toThrow(/"zz" is not in the pool/);
  });
});
