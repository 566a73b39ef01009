// Canonical answer text.
import { describe, expect, it } from 'vitest';
import { decimalText, fraction, fractionText, gcd, lcm, moneyText } from '../../../src/data/curriculum/format.ts';

describe('answer formatting', () => {
  it('reduces fractions and writes whole ones as integers', () => {
    expect(fractionText(fraction(6, 8))).toBe('3/4');
    expect(fractionText(fraction(-6, 8))).toBe('-3/4');
    expect(fractionText(fraction(6, -8))).toBe('-3/4');
    expect(fractionText(fraction(12, 4))).toBe('3');
    expect(fractionText(fraction(0, 5))).toBe('0');
    expect(() => fraction(1, 0)).toThrow(/zero denominator/);
  });

  it('writes decimals without trailing zeros', () => {
    expect(decimalText(250, 2)).toBe('2.5');
    expect(decimalText(4, 2)).toBe('0.04');
    expect(decimalText(-1205, 3)).toBe('-1.205');
    expect(decimalText(3000, 3)).toBe('3');
    expect(decimalText(7, 0)).toBe('7');
  });

  it('gcd, lcm and money', () => {
    expect(gcd(84, 60)).toBe(12);
    expect(lcm(4, 6)).toBe(12);
    expect(moneyText(1205)).toBe('$12.05');
  });
});
