// Every generated answer re-checked: by an independent re-computation per generator (recompute.ts),
// by re-evaluating every arithmetic line of the solution, and against the fixed answer and solution format.
import { describe, expect, it } from 'vitest';
import { generateCurriculum, GENERATORS } from '../../../src/data/curriculum/index.ts';
import type { Problem } from '../../../src/data/problem.ts';
import { Q } from './exact.ts';
import { RECOMPUTE } from './recompute.ts';

// Both splits, every generator and level, several seeds.
const problems: Problem[] = [1, 2, 3].flatMap((seed) => [
  ...generateCurriculum({ seed, count: 3000, split: 'train' }),
  ...generateCurriculum({ seed, count: 1000, split: 'test' }),
]);

const INTEGER = /^-?(0|[1-9]\d*)$/;
const FRACTION = /^-?[1-9]\d*\/[1-9]\d*$/;
const DECIMAL = /^-?(0|[1-9]\d*)\.\d*[1-9]$/;

function isCanonical(answer: string): boolean {
  if (INTEGER.test(answer) || DECIMAL.test(answer)) return answer !== '-0';
  if (!FRACTION.test(answer)) return false;
  const f = Q.parse(answer);
  return f.d !== 1n && f.toString() === answer; // reduced, and not a whole number written as a fraction
}

const NUM = String.raw`\(?-?\d+(?:\.\d+)?\)?`;
const ARITHMETIC_LINE = new RegExp(`^(${NUM}) ([+\\-×÷]) (${NUM}) = (${NUM})$`);
const FRACTION_LINE = /^(\d+)\/(\d+) = (\d+)\/(\d+)$/;

/** Re-evaluates a solution line "a op b = c" or "a/b = c/d"; null when the line is prose. */
function checkLine(line: string): boolean | null {
  let m = ARITHMETIC_LINE.exec(line);
  if (m) {
    const [a, b, c] = [Q.parse(m[1]), Q.parse(m[3]), Q.parse(m[4])];
    const v = m[2] === '+' ? a.add(b) : m[2] === '-' ? a.sub(b) : m[2] === '×' ? a.mul(b) : a.div(b);
    return v.eq(c);
  }
  m = FRACTION_LINE.exec(line);
  if (m) return Q.parse(`${m[1]}/${m[2]}`).eq(Q.parse(`${m[3]}/${m[4]}`));
  return null;
}

describe('curriculum answers', () => {
  it('covers every generator and level in the checked sample', () => {
    const seen = new Set(problems.map((p) => `${p.meta!.generator}/${p.difficulty_label}`));
    for (const g of GENERATORS) for (const level of g.levels) expect(seen.has(`${g.id}/${level}`), `${g.id}/${level}`).toBe(true);
  });

  it('every answer equals an independent re-computation', () => {
    const wrong: string[] = [];
    for (const p of problems) {
      const recompute = RECOMPUTE[p.meta!.generator as string];
      expect(recompute, `no re-computation for ${p.meta!.generator}`).toBeDefined();
      const expected = recompute(JSON.parse(p.meta!.params as string), p.question);
      if (!Q.parse(p.answer).eq(expected)) wrong.push(`${p.id}: "${p.question}" answer ${p.answer}, expected ${expected}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('answers are canonical: integers plain, fractions reduced, decimals without trailing zeros', () => {
    const bad = problems.filter((p) => !isCanonical(p.answer)).map((p) => `${p.id}: ${p.answer}`);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('solutions are one step per line and end with "Answer: <answer>"', () => {
    const bad: string[] = [];
    for (const p of problems) {
      const lines = p.solution!.split('\n');
      const steps = lines.slice(0, -1);
      if (steps.length === 0) bad.push(`${p.id}: no steps`);
      if (lines[lines.length - 1] !== `Answer: ${p.answer}`) bad.push(`${p.id}: last line "${lines[lines.length - 1]}"`);
      if (steps.some((l) => l.startsWith('Answer:'))) bad.push(`${p.id}: "Answer:" before the last line`);
      for (const line of lines) if (line.trim() === '' || line !== line.trim()) bad.push(`${p.id}: blank or padded line "${line}"`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('every arithmetic line of every solution is right', () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const p of problems) {
      for (const line of p.solution!.split('\n')) {
        const ok = checkLine(line);
        if (ok === null) continue;
        checked++;
        if (!ok) wrong.push(`${p.id}: ${line}`);
      }
    }
    console.log(`checked ${checked} arithmetic solution lines in ${problems.length} problems`);
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(problems.length);
  });

  it('the line checker rejects a wrong step', () => {
    expect(checkLine('12 + 30 = 42')).toBe(true);
    expect(checkLine('12 + 30 = 43')).toBe(false);
    expect(checkLine('1.5 × 4 = 6')).toBe(true);
    expect(checkLine('(-3) × 4 = -12')).toBe(true);
    expect(checkLine('3/4 = 9/12')).toBe(true);
    expect(checkLine('3/4 = 9/13')).toBe(false);
  });
});
