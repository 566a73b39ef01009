import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under other names', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(adjustedRandIndex(['a', 'a', 'b'], [1, 1, 0])).toBe(1);
  });

  it("matches scikit-learn's documented values", () => {
    // sklearn.metrics.adjusted_rand_score docstring examples
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(0.5714285714, 9);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714, 9);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it('is symmetric and near 0 for independent labelings', () => {
    const a = Array.from({ length: 4000 }, (_, i) => (i * 7919) % 5);
    const b = Array.from({ length: 4000 }, (_, i) => ((i * 104729) >> 3) % 7);
    expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(b, a), 12);
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.02);
  });

  it('treats one item and empty labelings as full agreement', () => {
    expect(adjustedRandIndex([3], [7])).toBe(1);
    expect(adjustedRandIndex([], [])).toBe(1);
  });

  it('refuses labelings of different lengths', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/different lengths \(2 and 1\)/);
  });
});
