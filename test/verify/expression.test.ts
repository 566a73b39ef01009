// The expression parser and its evaluation (exact and at points).
import { describe, expect, it } from 'vitest';
import { parseExpression, tryParseExpression } from '../../src/verify/expression.ts';
import { evaluateExact, evaluateFloat, variablesOf } from '../../src/verify/evaluate.ts';
import { rational } from '../../src/verify/number.ts';

const at = (text: string, env: Record<string, number> = {}) => evaluateFloat(parseExpression(text), new Map(Object.entries(env)));

describe('expression parser', () => {
  it.each([
    ['2x^2 + 3x - 1', { x: 2 }, 13],
    ['-x^2', { x: 3 }, -9],
    ['2^3^2', {}, 512],
    ['2^-1', {}, 0.5],
    ['\\frac{1}{2}x', { x: 4 }, 2],
    ['(x+1)(x-1)', { x: 3 }, 8],
    ['2(x+1)', { x: 1 }, 4],
    ['x\\sqrt{4}', { x: 3 }, 6],
    ['\\sqrt[3]{27}', {}, 3],
    ['\\sin^2 x + \\cos^2 x', { x: 0.7 }, 1],
    ['\\sin 2x', { x: 0.25 }, Math.sin(0.5)],
    ['\\log_2 8', {}, 3],
    ['\\log 100', {}, 2],
    ['\\ln e', {}, 1],
    ['|x - 5|', { x: 2 }, 3],
    ['4!', {}, 24],
    ['\\binom{6}{3}', {}, 20],
    ['a_1 + a_{2}', { a_1: 1, a_2: 2 }, 3],
    ['\\theta \\cdot 2', { '\\theta': 1.5 }, 3],
    ['6 \\div 4', {}, 1.5],
    ['8^{1/3}', {}, 2],
    ['(-8)^{1/3}', {}, -2],
    ['2\\pi', {}, 2 * Math.PI],
    ['1.5e3', {}, 1500],
  ])('%s', (text, env, value) => {
    expect(at(text, env)).toBeCloseTo(value, 12);
  });

  it.each([['2 3'], ['x +'], ['(x'], ['\\unknown{x}'], ['word'], ['x_'], ['\\frac{1}'], ['#']])('%s does not parse', (text) => {
    expect(tryParseExpression(text)).toBeNull();
  });

  it('collects variables', () => {
    expect([...variablesOf(parseExpression('x^2 + 2xy + \\alpha_1 + e + \\pi'))].sort()).toEqual(['\\alpha_1', 'x', 'y']);
  });

  it('evaluates exactly when only rational operations appear', () => {
    expect(evaluateExact(parseExpression('\\frac{1}{3} + \\frac{1}{6}'))).toEqual(rational(1n, 2n));
    expect(evaluateExact(parseExpression('(2/3)^{-2}'))).toEqual(rational(9n, 4n));
    expect(evaluateExact(parseExpression('1.5 \\times 10^{3}'))).toEqual(rational(1500n));
    expect(evaluateExact(parseExpression('\\sqrt{4}'))).toBeNull();
    expect(evaluateExact(parseExpression('x + 1'))).toBeNull();
    expect(evaluateExact(parseExpression('1/0'))).toBeNull();
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(tryParseExpression('('.repeat(1000) + '1' + ')'.repeat(1000))).toBeNull();
  });
});
