// Exact rationals and the parser of plain numeric answers.
import { describe, expect, it } from 'vitest';
import { decimalToRational, parseNumber, ratPowInt, ratToNumber, rational } from '../../src/verify/number.ts';

const r = (n: bigint, d: bigint = 1n) => rational(n, d);

describe('parseNumber', () => {
  it.each([
    ['42', r(42n), false],
    ['-3.25', r(-13n, 4n), false],
    ['+.5', r(1n, 2n), false],
    ['1,234,567', r(1234567n), false],
    ['1.5e-3', r(3n, 2000n), false],
    ['3/4', r(3n, 4n), false],
    ['-6/-8', r(3n, 4n), false],
    ['\\frac{-1}{3}', r(-1n, 3n), false],
    ['-\\frac{2}{6}', r(-1n, 3n), false],
    ['2 1/4', r(9n, 4n), false],
    ['-1\\frac{1}{2}', r(-3n, 2n), false],
    ['0.\\overline{3}', r(1n, 3n), false],
    ['1.2\\overline{45}', r(137n, 110n), false],
    ['50%', r(50n), true],
    ['12.5 %', r(25n, 2n), true],
  ])('%s', (text, value, percent) => {
    expect(parseNumber(text)).toEqual({ value, percent });
  });

  it.each([['1,23'], ['1/0'], ['\\frac{1}{0}'], ['x'], ['1.2.3'], ['--1'], [''], ['%'], ['1e'], ['1 2']])('%s is not a plain number', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('rationals', () => {
  it('reduce and keep the denominator positive', () => {
    expect(rational(6n, -4n)).toEqual({ num: -3n, den: 2n });
    expect(() => rational(1n, 0n)).toThrow(RangeError);
  });

  it('raise to integer powers exactly, refusing results beyond the size limit', () => {
    expect(ratPowInt(r(2n, 3n), 3n)).toEqual(r(8n, 27n));
    expect(ratPowInt(r(2n, 3n), -2n)).toEqual(r(9n, 4n));
    expect(ratPowInt(r(0n), -1n)).toBeNull();
    expect(ratPowInt(r(10n), 100_000n)).toBeNull();
  });

  it('convert to doubles, also beyond 2^1024', () => {
    expect(ratToNumber(r(1n, 3n))).toBeCloseTo(1 / 3, 15);
    const big = 10n ** 400n;
    expect(ratToNumber(r(big * 3n + 1n, big))).toBeCloseTo(3, 12);
  });

  it('read decimal literals exactly', () => {
    expect(decimalToRational('0.1')).toEqual(r(1n, 10n));
    expect(decimalToRational('2.50e2')).toEqual(r(250n));
    expect(decimalToRational('1e-1001')).toBeNull();
  });
});
