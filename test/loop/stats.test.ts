import { describe, expect, it } from 'vitest';
import { meanInterval, pairedDifference, studentTCdf, studentTQuantile } from '../../src/loop/stats.ts';

describe('comparison statistics', () => {
  it('Student t quantiles match the tables', () => {
    // two-sided 95%: t_{0.975, df}
    for (const [df, t] of [[1, 12.7062], [2, 4.3027], [4, 2.7764], [9, 2.2622], [30, 2.0423], [1000, 1.9623]]) {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    }
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-2.7764, 4)).toBeCloseTo(0.025, 4);
  });

  it('mean with its 95% interval', () => {
    const r = meanInterval([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(r.mean).toBeCloseTo(0.3, 12);
    expect(r.sd).toBeCloseTo(Math.sqrt(0.025), 12);
    expect(r.high - r.mean).toBeCloseTo(2.7764 * Math.sqrt(0.025) / Math.sqrt(5), 4);
    const one = meanInterval([0.4]);
    expect(one.mean).toBe(0.4);
    expect(Number.isNaN(one.low)).toBe(true);
  });

  it('paired difference over the seeds both arms have', () => {
    const a = new Map([['1', 0.5], ['2', 0.6], ['3', 0.7], ['4', 0.9]]);
    const b = new Map([['1', 0.4], ['2', 0.55], ['3', 0.6]]);
    const d = pairedDifference(a, b);
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo((0.1 + 0.05 + 0.1) / 3, 12);
    expect(d.low).toBeLessThan(d.mean);
  });
});
