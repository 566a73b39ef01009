import { describe, expect, it } from 'vitest';
import { passAtK } from '../../src/eval/pass-at-k.ts';
import { countSteps } from '../../src/eval/response-shape.ts';
import { summarize, type EvalItem } from '../../src/eval/evaluate.ts';

/** 1 − C(n−c, k)/C(n, k) by counting subsets, for small n. */
function bruteForce(n: number, c: number, k: number): number {
  let all = 0;
  let hit = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) bits++;
    if (bits !== k) continue;
    all++;
    if ((mask & ((1 << c) - 1)) !== 0) hit++; // the first c samples are the correct ones
  }
  return hit / all;
}

describe('passAtK', () => {
  it('matches counting subsets', () => {
    for (let n = 1; n <= 8; n++) for (let c = 0; c <= n; c++) for (let k = 1; k <= n; k++) expect(passAtK(n, c, k)).toBeCloseTo(bruteForce(n, c, k), 12);
  });
  it('is c/n at k = 1, and 0 or 1 at the ends', () => {
    expect(passAtK(8, 3, 1)).toBeCloseTo(3 / 8, 12);
    expect(passAtK(8, 0, 8)).toBe(0);
    expect(passAtK(8, 1, 8)).toBe(1);
    expect(passAtK(200, 10, 100)).toBeGreaterThan(0.99);
  });
  it('rejects impossible counts', () => {
    expect(() => passAtK(4, 5, 1)).toThrow(/0 <= c <= n/);
    expect(() => passAtK(4, 1, 5)).toThrow(/1 <= k <= n/);
  });
});

describe('countSteps', () => {
  it('counts the non-empty lines before the answer line', () => {
    expect(countSteps('10 × 12 = 120\n120 - 3 = 117\nAnswer: 117')).toBe(2);
    expect(countSteps('a\n\n b \nAnswer: 1\n')).toBe(2);
    expect(countSteps('no answer line\nat all')).toBe(2);
    expect(countSteps('')).toBe(0);
  });
});

describe('summarize', () => {
  const item = (id: string, kps: string[], verdicts: boolean[]): EvalItem => ({
    problemId: id, knowledgePoints: kps, gold: '1', correct: verdicts.filter(Boolean).length,
    answers: verdicts.map((v, i) => ({ text: `s\n${'t\n'.repeat(i)}Answer: 1`, tokens: 10 + i, steps: 1 + i, correct: v, extracted: '1' })),
  });
  it('averages per problem and per knowledge point', () => {
    const r = summarize([item('a', ['x'], [true, false]), item('b', ['x', 'y'], [false, false]), item('c', [], [true, true])], 2);
    expect(r.accuracy).toBeCloseTo((0.5 + 0 + 1) / 3, 12);
    expect(r.passAtK).toBeCloseTo((1 + 0 + 1) / 3, 12);
    expect(r.perKnowledgePoint).toEqual({ '(untagged)': { accuracy: 1, count: 1 }, x: { accuracy: 0.25, count: 2 }, y: { accuracy: 0, count: 1 } });
    expect(r.meanSteps).toBeCloseTo(1.5, 12);
    expect(r.meanTokens).toBeCloseTo(10.5, 12);
  });
});
