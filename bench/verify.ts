// Verifier throughput: answersEqual on numeric, fraction/LaTeX and algebraic pairs, and verify() on
// whole responses. Pure CPU; the adapter is not used.
import type { BenchContext, BenchRow } from './types.ts';
import { answersEqual, verify } from '../src/verify/index.ts';

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
const RESPONSES: [string, string][] = [
  ['First, 3 + 4 = 7. Then 7 \\times 2 = 14. So the answer is $\\boxed{14}$.', '14'],
  ['Natalia sold 48/2 = 24 clips in May.\nAltogether she sold 48+24 = 72 clips.\n#### 72', '72'],
  ['We simplify: $\\frac{6}{8} = \\frac{3}{4}$.\nFinal Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.', '0.75'],
  ['Adding the two gives 9, and the difference is 3, so we get 6.', '6'],
];

/** Checks per second of `check` over `pairs`, repeated for at least `minMs`. */
function throughput(pairs: [string, string][], minMs: number, check: (p: string, g: string) => unknown): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const [p, g] of pairs) check(p, g);
    count += pairs.length;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (count / elapsed) * 1000;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const minMs = ctx.quick ? 100 : 1000;
  // warm the JIT so the first group is not penalized
  throughput([...NUMERIC, ...FRACTION_LATEX, ...ALGEBRAIC], 50, answersEqual);
  const row = (name: string, pairs: [string, string][], check: (p: string, g: string) => unknown, note?: string): BenchRow => ({
    group: 'verifier',
    name,
    value: Math.round(throughput(pairs, minMs, check)),
    unit: 'checks/s',
    ...(note ? { note } : {}),
  });
  return [
    row('numeric answersEqual', NUMERIC, answersEqual, 'goal ≥ 10,000 numeric checks/s'),
    row('fraction/LaTeX answersEqual', FRACTION_LATEX, answersEqual),
    row('algebraic answersEqual', ALGEBRAIC, answersEqual),
    row('verify whole response', RESPONSES, verify),
  ];
}
