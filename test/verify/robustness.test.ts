// Odd input never throws and never hangs: empty and huge strings, unbalanced braces, serialized objects,
// values that are not strings, and seeded random LaTeX-like noise.
import { describe, expect, it } from 'vitest';
import { answersEqual, extractAnswer, judge, normalizeAnswer, verify } from '../../src/verify/index.ts';

const ODD: string[] = [
  '',
  ' ',
  '\n\t',
  '{',
  '}',
  '\\boxed{',
  '\\boxed{{{',
  '\\frac{1}{',
  '\\frac',
  '\\sqrt',
  '\\sqrt[',
  '\\left(',
  '\\begin{pmatrix} 1 & 2',
  '\\end{pmatrix}',
  '((((((',
  '))))',
  '[1,2',
  '\\{1,2',
  '1/0',
  '0/0',
  '\\frac{1}{0}',
  '10^{10^{10}}',
  '9^{9^{9^{9}}}',
  '1e999999',
  '1' + '0'.repeat(5000),
  '(' .repeat(3000) + '1' + ')'.repeat(3000),
  '{'.repeat(3000) + '1' + '}'.repeat(3000),
  '\\frac{'.repeat(500),
  'x'.repeat(100_000),
  '\\boxed{' + 'a'.repeat(50_000) + '}',
  'The answer is ' + '9'.repeat(20_000),
  '[object Object]',
  JSON.stringify({ pred: 'x', gold: [1, 2, { a: null }] }),
  'undefined',
  'null',
  'NaN',
  '\u0000\u0001\uFFFF',
  '\uD800',
  '$$$$',
  '\\\\\\\\',
  '%%%',
  '= = =',
  ',,,,',
  '\\pm\\pm\\pm',
  '\\cup\\cup',
  '|||',
  '!!!!!',
  '^^^^',
  '_',
  'x_',
  '\\log_',
  '\\overline{}',
  '0.\\overline{9}',
];

describe('odd input', () => {
  it('answersEqual never throws and returns a boolean', () => {
    for (const a of ODD) {
      for (const b of ['5', '', '(1,2)', 'x', a]) {
        expect(typeof answersEqual(a, b)).toBe('boolean');
        expect(typeof answersEqual(b, a)).toBe('boolean');
      }
    }
  });

  it('extractAnswer and verify never throw', () => {
    for (const a of ODD) {
      const extracted = extractAnswer(a);
      expect(extracted === null || typeof extracted === 'string').toBe(true);
      expect(typeof verify(a, '5').equal).toBe('boolean');
      expect(typeof normalizeAnswer(a.slice(0, 5000))).toBe('string');
    }
  });

  it('empty answers are never equal, even to each other', () => {
    expect(answersEqual('', '')).toBe(false);
    expect(answersEqual('  ', '')).toBe(false);
    expect(answersEqual('$ $', '$$')).toBe(false);
    expect(verify('', '')).toEqual({ equal: false, extracted: null });
  });

  it('values that are not strings are judged without throwing', () => {
    const loose = answersEqual as (p: unknown, g: unknown) => boolean;
    expect(loose(5, '5')).toBe(true); // a number is read as its decimal text
    expect(loose(undefined, '5')).toBe(false);
    expect(loose(null, null)).toBe(false);
    expect(loose({ a: 1 }, '[object Object]')).toBe(false);
    expect(loose(['5'], '5')).toBe(false);
    expect(loose(Symbol('x'), '5')).toBe(false);
    const looseVerify = verify as (r: unknown, g: unknown) => { equal: boolean };
    expect(looseVerify({ toString: () => '5' }, '5').equal).toBe(false);
    expect(looseVerify('\\boxed{5}', undefined).equal).toBe(false);
  });

  it('huge input is judged quickly', () => {
    const huge = 'The answer is 5. '.repeat(50_000) + '\\boxed{5}';
    const start = performance.now();
    expect(verify(huge, '5').equal).toBe(true);
    expect(answersEqual('x'.repeat(100_000), 'x'.repeat(100_000))).toBe(true);
    expect(answersEqual('(' .repeat(3000) + '1' + ')'.repeat(3000), '1')).toBe(false);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('seeded random LaTeX-like noise never throws and each check stays fast', () => {
    const alphabet = ['\\frac', '\\sqrt', '{', '}', '(', ')', '[', ']', '\\{', '\\}', ',', '=', '+', '-', '^', '_', '/', '1', '2', 'x', 'y', '.', '%', '\\pi', '\\infty', '\\pm', '\\cup', '&', '\\\\', ' ', '\\left', '\\right', '\\text{', 'cm', '$', '\\begin{pmatrix}', '\\end{pmatrix}', '|', '!', 'e', '\\boxed{'];
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const check = (a: string, b: string) => {
      const start = performance.now();
      expect(typeof answersEqual(a, b)).toBe('boolean');
      expect(typeof verify(a, b).equal).toBe('boolean');
      return performance.now() - start;
    };
    const timed: [number, string, string][] = [];
    for (let n = 0; n < 1500; n++) {
      const length = 1 + Math.floor(random() * 30);
      const pick = () => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const a = pick();
      const b = pick();
      timed.push([check(a, b), a, b]);
    }
    // re-time the slowest pairs (best of 3, so a GC pause or a busy CPU is not mistaken for a slow rule)
    timed.sort((x, y) => y[0] - x[0]);
    const slowest = Math.max(...timed.slice(0, 5).map(([, a, b]) => Math.min(check(a, b), check(a, b), check(a, b))));
    console.log(`slowest random check (best of 3): ${slowest.toFixed(2)} ms`);
    expect(slowest).toBeLessThan(50);
  });

  it('adversarial responses (1 MB of braces, deep nesting) are each judged in under 50 ms of CPU time', () => {
    const MB = 1 << 20;
    const rep = (unit: string, size: number) => unit.repeat(Math.floor(size / unit.length));
    const responses = [
      rep('{', MB), rep('}', MB), rep('{', MB / 2) + rep('}', MB / 2), rep('\\boxed{', MB), '\\boxed{' + rep('{', MB / 2) + rep('}', MB / 2) + '}',
      rep('(', MB / 2) + rep(')', MB / 2), rep('$', MB), rep('\\(', MB), rep('\\[', MB), rep('$x$ ', MB), rep('\\boxed{1} and ', MB),
      rep('The answer is ', MB), rep('1,', MB), rep('<think>', MB), rep('\\frac{', MB), rep('x = ', MB) + '5', rep('a < ', MB) + 'b',
      rep('\\sqrt{', 20_000) + '2' + rep('}', 3000), rep('\\begin{pmatrix}', MB / 4) + rep('\\end{pmatrix}', MB / 4), rep('9', MB), rep('答案是', MB),
    ];
    // answers at the size limit of structured comparison, against themselves and others
    const answers = [rep('\\frac{', 990), rep('\\pm 1', 990), rep('x!', 990), rep('a and ', 990), rep('1;', 990), rep('(x+1)', 990), rep('e^{e^', 990), '(' + rep('1,', 990) + ')'];
    // CPU time of this process (test files run in their own processes), best of 5: on a machine shared with
    // other jobs wall-clock time measures the load, and a GC pause of the 1 MB strings is not a slow rule
    const timed = (f: () => unknown) => {
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const start = process.cpuUsage();
        f();
        const used = process.cpuUsage(start);
        best = Math.min(best, (used.user + used.system) / 1000);
      }
      return best;
    };
    let slowest = 0;
    let slowestInput = '';
    const check = (input: string, f: () => unknown) => {
      const ms = timed(f);
      if (ms > slowest) [slowest, slowestInput] = [ms, input.slice(0, 30)];
    };
    for (const r of responses) {
      for (const mode of ['strict', 'lenient'] as const) check(r, () => expect(typeof judge(r, '5', { mode }).equal).toBe('boolean'));
      check(r, () => judge('\\boxed{5}', r));
    }
    for (const a of answers) for (const b of [a, a + '1', '5', 'x']) check(a, () => answersEqual(a, b));
    console.log(`slowest adversarial check (CPU time, best of 5): ${slowest.toFixed(1)} ms on ${JSON.stringify(slowestInput)}...`);
    expect(slowest).toBeLessThan(50);
  });
});
