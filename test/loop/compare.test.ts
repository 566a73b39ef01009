import { describe, expect, it } from 'vitest';
import { compareRows, formatCompareTable, type ArmResult } from '../../src/loop/compare.ts';

const arm = (sampler: string, seed: number, finalAccuracy: number, mix = 'imbalanced'): ArmResult => ({
  mix, sampler, seed, finalAccuracy, startAccuracy: 0.1, generations: 768 * 3, probeGenerations: sampler === 'sai' ? 256 * 3 : 0, pairs: 30, pairYield: 0.5, seconds: 1,
});

describe('comparison table', () => {
  it('means with intervals per sampler and the paired difference to random', () => {
    const results = [arm('sai', 1, 0.3), arm('sai', 2, 0.4), arm('sai', 3, 0.5), arm('random', 1, 0.25), arm('random', 2, 0.3), arm('random', 3, 0.5)];
    const rows = compareRows(results);
    expect(rows.map((r) => r.sampler)).toEqual(['sai', 'random']);
    expect(rows[0].accuracy.mean).toBeCloseTo(0.4, 12);
    expect(rows[0].difference!.mean).toBeCloseTo((0.05 + 0.1 + 0) / 3, 12);
    expect(rows[1].difference).toBeNull();
    expect(rows[0].probeGenerations).toBe(768);
    const table = formatCompareTable(rows);
    expect(table).toContain('| imbalanced | sai | 3 | 40.0 [');
    expect(table).toContain('| imbalanced | random | 3 | 35.0 [');
    expect(table.split('\n')[0]).toContain('vs random');
  });

  it('keeps the pool mixes apart', () => {
    const rows = compareRows([arm('sai', 1, 0.3, 'balanced'), arm('random', 1, 0.2, 'balanced'), arm('sai', 1, 0.1), arm('random', 1, 0.2)]);
    expect(rows.map((r) => `${r.mix}/${r.sampler}`)).toEqual(['balanced/sai', 'balanced/random', 'imbalanced/sai', 'imbalanced/random']);
    expect(rows[0].difference!.mean).toBeCloseTo(0.1, 12);
    expect(rows[2].difference!.mean).toBeCloseTo(-0.1, 12);
  });
});
