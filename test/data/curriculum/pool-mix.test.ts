import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATORS, splitOfProblem } from '../../../src/data/curriculum/index.ts';
import { curriculumPool, IMBALANCED_SHARES, levelsUpTo, SKILL_TIERS, tierOf } from '../../../src/data/curriculum/pool-mix.ts';

describe('curriculum pool mix', () => {
  it('puts every generator in exactly one skill tier', () => {
    const listed = Object.values(SKILL_TIERS).flat();
    expect([...listed].sort()).toEqual(GENERATORS.map((g) => g.id).sort());
    for (const g of GENERATORS) expect(() => tierOf(g.id)).not.toThrow();
  });

  it("has the tiers tiny-math's model card measured", () => {
    const card = JSON.parse(readFileSync('public/models/tiny-math/eval_results.json', 'utf8')) as { skillTiers: Record<string, string[]> };
    expect(SKILL_TIERS).toEqual(card.skillTiers);
  });

  it('draws an imbalanced pool in the documented shares, distinct, from the asked split', () => {
    const pool = curriculumPool({ seed: 3, count: 1000, mix: 'imbalanced' });
    expect(pool).toHaveLength(1000);
    expect(new Set(pool.map((p) => p.id)).size).toBe(1000);
    const tiers = { mastered: 0, frontier: 0, 'out-of-reach': 0 };
    for (const p of pool) {
      expect(splitOfProblem(p)).toBe('train');
      tiers[tierOf(String(p.meta?.generator))]++;
    }
    for (const [tier, share] of Object.entries(IMBALANCED_SHARES)) expect(tiers[tier as keyof typeof tiers]).toBe(Math.round(1000 * share));
  });

  it('keeps to levels 1..maxLevel in both mixes, and refuses a level below 1', () => {
    for (const mix of ['imbalanced', 'balanced'] as const) {
      const levels = new Set(curriculumPool({ seed: 2, count: 300, mix, maxLevel: 1 }).map((p) => p.meta?.level));
      expect([...levels]).toEqual([1]);
    }
    const upTo2 = new Set(curriculumPool({ seed: 2, count: 300, mix: 'balanced', maxLevel: 2 }).map((p) => p.meta?.level));
    expect([...upTo2].sort()).toEqual([1, 2]);
    expect(levelsUpTo(undefined)).toBeUndefined();
    expect(() => levelsUpTo(0)).toThrow(/maxLevel must be a whole number/);
  });

  it('is the same for the same seed, different for another, and balanced draws every generator', () => {
    const ids = (seed: number) => curriculumPool({ seed, count: 200, mix: 'imbalanced' }).map((p) => p.id);
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
    const balanced = curriculumPool({ seed: 1, count: 660, mix: 'balanced' });
    expect(new Set(balanced.map((p) => p.meta?.generator)).size).toBe(GENERATORS.length);
  });

  it('names a bad mix', () => {
    expect(() => curriculumPool({ seed: 1, count: 10, mix: 'skewed' as 'balanced' })).toThrow(/mix must be imbalanced or balanced, got "skewed"/);
  });
});
