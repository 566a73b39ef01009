import { describe, expect, it } from 'vitest';
import { countDistinctRows } from '../../src/cluster/distinct.ts';

describe('countDistinctRows', () => {
  it('counts bit-identical rows once, −0 equal to 0, and stops at the limit', () => {
    const data = Float32Array.of(1, 2, 1, 2, 0, 0, -0, 0, 3, 4, 1, 2.5);
    expect(countDistinctRows(data, 6, 2)).toBe(4);
    expect(countDistinctRows(data, 6, 2, 2)).toBe(2);
    expect(countDistinctRows(new Float32Array(0), 0, 3)).toBe(0);
  });
});
