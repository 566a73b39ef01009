// judge(): the answers it reports, its two modes, multiple choice with option texts, golds given as worked
// solutions, and odd input.
import { describe, expect, it } from 'vitest';
import { extractGoldAnswer, judge } from '../../src/verify/index.ts';

describe('judge', () => {
  it('reports the answers it compared', () => {
    expect(judge('<think>maybe \\boxed{3}</think> So $x = \\boxed{3}$ or $x = \\boxed{-1}$.', '-1, 3')).toEqual({ equal: true, predAnswer: '3, -1', goldAnswer: '-1, 3' });
    expect(judge('Natalia sold 72 clips.\n#### 72', 72)).toEqual({ equal: true, predAnswer: '72', goldAnswer: '72' });
    expect(judge('I cannot tell.', '5')).toEqual({ equal: false, predAnswer: null, goldAnswer: '5' });
  });

  it('takes the last number and rounded decimals in lenient mode only', () => {
    expect(judge('so she has 7 left', '7').equal).toBe(true);
    expect(judge('so she has 7 left', '7', { mode: 'strict' })).toEqual({ equal: false, predAnswer: null, goldAnswer: '7' });
    expect(judge('so she has 7 left', '7', { lastNumberFallback: false }).equal).toBe(false);
    expect(judge('\\boxed{2.6667}', '\\frac{8}{3}').equal).toBe(true);
    expect(judge('\\boxed{2.6667}', '\\frac{8}{3}', { mode: 'strict' }).equal).toBe(false);
    expect(judge('\\boxed{0.333}', '\\frac{1}{3}').equal).toBe(false);
  });

  it('matches option letters and option texts when the choices are given', () => {
    const choices = ['10', '11', '12', '13'];
    expect(judge('The answer is (C).', '12', { choices }).equal).toBe(true);
    expect(judge('The answer is (C).', '13', { choices }).equal).toBe(false);
    expect(judge('So it is $\\boxed{12}$.', 'C', { choices }).equal).toBe(true);
    expect(judge('So it is $\\boxed{12}$.', 'D', { choices }).equal).toBe(false);
    expect(judge('The answer is (C).', '12').equal).toBe(false); // no choices: a letter is not a number
    expect(judge('It is not A, so I think it is B', '(B)')).toEqual({ equal: true, predAnswer: 'B', goldAnswer: '(B)' });
  });

  it('reads a gold given as a worked solution or a math span', () => {
    expect(extractGoldAnswer('Thus $x = \\boxed{2}$.')).toBe('2');
    expect(extractGoldAnswer('$\\frac{1}{2}$')).toBe('\\frac{1}{2}');
    expect(extractGoldAnswer('She has 5 + 7 = 12.\n#### 12')).toBe('12');
    expect(extractGoldAnswer('x = 5')).toBe('x = 5');
    expect(judge('\\boxed{x=2}', 'Solving, $x = \\boxed{2}$.').equal).toBe(true);
  });

  it('never throws on odd input', () => {
    const loose = judge as (r: unknown, g: unknown, o?: unknown) => { equal: boolean };
    for (const [r, g] of [[undefined, '5'], ['5', undefined], [null, null], [{}, '5'], ['5', Number.NaN], ['\\boxed{5}', [5]]]) {
      expect(loose(r, g).equal).toBe(false);
    }
    expect(loose('\\boxed{5}', 5).equal).toBe(true);
    expect(loose('\\boxed{5}', '5', { mode: 'unknown' }).equal).toBe(true); // an unknown mode is lenient
  });
});
