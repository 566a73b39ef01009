import { describe, expect, it } from 'vitest';
import { candidateCount, usedPrefix } from '../../src/loop/budget.ts';
import { parseConfig } from '../../src/loop/config.ts';
import { stagePlan } from '../../src/loop/plan.ts';
import { RunProgress } from '../../src/loop/progress.ts';

describe('budgets', () => {
  it('equal generations: the probe spends from the same budget; reused probe answers cost nothing', () => {
    const c = parseConfig({ budget: { mode: 'equal-generations', generations: 100 }, pairs: { answers: 8 } });
    expect(candidateCount(c, 0, 0, 1000)).toBe(12);
    expect(candidateCount(c, 64, 0, 1000)).toBe(4);
    expect(candidateCount(c, 64, 3, 1000)).toBe(7);
    expect(candidateCount(c, 200, 0, 1000)).toBe(0);
    // candidates 5 and 6 reuse probe answers: 36 generations left pay for 4 new problems
    expect(usedPrefix(c, [1, 5, 2, 6, 3, 4, 7], 64, (i) => i === 5 || i === 6)).toBe(6);
    expect(usedPrefix(c, [1, 2, 3], 100, () => false)).toBe(0);
  });

  it('equal pairs draws enough candidates for every round; problems mode draws N', () => {
    const pairs = parseConfig({ budget: { mode: 'equal-pairs', maxRounds: 3 }, sampler: { problems: 10 } });
    expect(candidateCount(pairs, 500, 0, 1000)).toBe(30);
    expect(usedPrefix(pairs, [1, 2, 3], 0, () => false)).toBe(3);
    const problems = parseConfig({ budget: { mode: 'problems' }, sampler: { problems: 10 } });
    expect(candidateCount(problems, 500, 0, 1000)).toBe(10);
    expect(candidateCount(problems, 500, 0, 4)).toBe(4);
  });
});

describe('plan and progress', () => {
  it('stages in order, with the base model evaluated first when asked', () => {
    const plan = stagePlan(parseConfig({ iterations: 2 })).map((r) => `${r.iteration}/${r.stage}`);
    expect(plan).toEqual(['0/pool', '0/tags', '0/embeddings', '0/clusters', '0/eval',
      '1/probe', '1/difficulty', '1/sample', '1/pairs', '1/train', '1/eval', '2/probe', '2/difficulty', '2/sample', '2/pairs', '2/train', '2/eval']);
    expect(stagePlan(parseConfig({ iterations: 1, eval: { atStart: false } }))).toHaveLength(10);
  });

  it('ETA from the pace of the work done in this session', () => {
    const p = new RunProgress(100, 20);
    expect(p.eta(0, 0)).toBeNull();
    expect(p.fraction(10)).toBeCloseTo(0.3, 12);
    p.finish(10, 5); // 2 units per second
    expect(p.fraction(0)).toBeCloseTo(0.3, 12);
    expect(p.eta(0, 0)).toBeCloseTo(35, 12);
  });
});
