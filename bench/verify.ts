// Verifier throughput: answersEqual on numeric, fraction/LaTeX and algebraic pairs, and judge() on whole
// responses: the bundled MATH-500 and GSM8K worked solutions against their answers, and the same solutions
// wrapped as a reasoning model writes them (<think> ... </think>, then a boxed answer). Pure CPU.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { BenchContext, BenchRow } from './types.ts';
import { answersEqual, judge, verify } from '../src/verify/index.ts';

export const groups = ['verifier'];

function bundled(path: string): Record<string, string>[] {
  const text = gunzipSync(readFileSync(join(import.meta.dirname, '../public/data', path))).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** [response, gold] pairs from the bundled sets: MATH-500 solutions and GSM8K solutions (calculator notes removed). */
function wholeResponses(): { math: [string, string][]; gsm8k: [string, string][]; think: [string, string][] } {
  const math = bundled('math500/test.jsonl.gz').map((r): [string, string] => [r.solution, r.answer]);
  const gsm8k = bundled('gsm8k/test.jsonl.gz').map((r): [string, string] => {
    const text = r.answer.replace(/<<[^>]*>>/g, '');
    return [text, text.slice(text.lastIndexOf('####') + 4).trim()];
  });
  const think = math.map(([solution, answer]): [string, string] => [`<think>\nLet me work it out.\n${solution}\n</think>\n\nThe answer is $\\boxed{${answer}}$.`, answer]);
  return { math, gsm8k, think };
}

const NUMERIC: [string, string][] = [
  ['42', '42'], ['1,234', '1234'], ['-17', '17'], ['0.5', '0.50'], ['3.14159', '3.1416'], ['2800', '28'],
  ['1e3', '1000'], ['+7', '7'], ['50%', '0.5'], ['1000000', '1,000,000'], ['-0.25', '-.25'], ['12', '13'],
];
const FRACTION_LATEX: [string, string][] = [
  ['\\frac{1}{2}', '0.5'], ['\\dfrac{3}{4}', '\\tfrac34'], ['$\\frac{1}{3}$', '0.333'], ['\\left(1, 2\\right)', '(1,2)'],
  ['\\text{5 dollars}', '5'], ['5 \\text{ cm}', '5'], ['1\\frac{1}{2}', '3/2'], ['\\{1,2\\}', '\\{2,1\\}'],
  ['x = 5', '5'], ['-\\frac{7}{2}', '-3.5'], ['(B)', 'B'], ['[1, \\infty)', '(1, \\infty)'],
];
const ALGEBRAIC: [string, string][] = [
  ['y = 2x+1', '1+2x'], ['(x+1)(x-1)', 'x^2-1'], ['\\sqrt{2}/2', '\\frac{\\sqrt2}{2}'], ['2\\sqrt{3}', '\\sqrt{12}'],
  ['\\frac{x^2-1}{x-1}', 'x+1'], ['a^2+2ab+b^2', '(a+b)^2'], ['\\sin^2 x + \\cos^2 x', '1'], ['3x^2', '3x^3'],
];
/**
 * Checks per second of `check` over `pairs`, repeated for at least `minMs`: per wall-clock second (the row's
 * value) and per second of this process's CPU time (steadier on a machine shared with other work).
 */
function throughputs(pairs: [string, string][], minMs: number, check: (p: string, g: string) => unknown): { wall: number; cpu: number } {
  let count = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  do {
    for (const [p, g] of pairs) check(p, g);
    count += pairs.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { wall: (count / elapsed) * 1000, cpu: (count / Math.max(cpuMs, 1e-3)) * 1000 };
}

const throughput = (pairs: [string, string][], minMs: number, check: (p: string, g: string) => unknown) => throughputs(pairs, minMs, check).wall;

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const minMs = ctx.quick ? 100 : 1000;
  const { math, gsm8k, think } = wholeResponses();
  // each row is measured in steady state: its own pairs run for half the measuring time first (JIT warm-up)
  const row = (name: string, pairs: [string, string][], check: (p: string, g: string) => unknown, note?: string): BenchRow => {
    throughput(pairs, minMs / 2, check);
    const { wall, cpu } = throughputs(pairs, minMs, check);
    const cpuNote = `${Math.round(cpu).toLocaleString('en-US')} per CPU-second`;
    return { group: 'verifier', name, value: Math.round(wall), unit: 'checks/s', note: note ? `${note}; ${cpuNote}` : cpuNote };
  };
  const chars = (pairs: [string, string][]) => Math.round(pairs.reduce((n, [r]) => n + r.length, 0) / pairs.length);
  return [
    row('numeric answersEqual', NUMERIC, answersEqual),
    row('fraction/LaTeX answersEqual', FRACTION_LATEX, answersEqual),
    row('algebraic answersEqual', ALGEBRAIC, answersEqual),
    row('judge whole response: MATH-500 solutions', math, judge, `goal ≥ 10,000 whole-response checks/s; ${math.length} solutions, ${chars(math)} characters on average`),
    row('judge whole response: GSM8K solutions', gsm8k, judge, `${gsm8k.length} solutions, ${chars(gsm8k)} characters on average`),
    row('judge whole response: <think> + boxed answer', think, judge, `${think.length} responses, ${chars(think)} characters on average`),
    row('verify (lenient, short responses)', FRACTION_LATEX, verify),
  ];
}
