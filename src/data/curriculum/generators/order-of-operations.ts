// Order of operations: an expression tree from a fixed form per level, evaluated bottom-up, one operation per line
// (multiplication and division before addition and subtraction, brackets first, left to right otherwise).
import type { Rng } from '../rng.ts';
import { defineGenerator } from '../types.ts';

type Op = '+' | '-' | '×' | '÷';
export type Expr = number | { op: Op; l: Expr; r: Expr };

const PRECEDENCE: Record<Op, number> = { '+': 1, '-': 1, '×': 2, '÷': 2 };

const e = (l: Expr, op: Op, r: Expr): Expr => ({ op, l, r });

/** Forms per level, built from the sampled numbers n[0..]. Divisions have a leaf dividend n[i] = n[j] × k. */
const FORMS: Record<number, Array<(n: number[]) => Expr>> = {
  1: [
    (n) => e(n[0], '+', e(n[1], '×', n[2])),
    (n) => e(e(n[0], '×', n[1]), '-', n[2]),
    (n) => e(n[0], '-', e(n[1], '×', n[2])),
    (n) => e(n[0], '+', e(n[1], '÷', n[2])),
  ],
  2: [
    (n) => e(e(e(n[0], '+', n[1]), '×', n[2]), '-', n[3]),
    (n) => e(e(n[0], '×', n[1]), '+', e(n[2], '×', n[3])),
    (n) => e(e(n[0], '×', e(n[1], '-', n[2])), '+', n[3]),
    (n) => e(e(n[0], '÷', n[1]), '+', e(n[2], '×', n[3])),
  ],
  3: [
    (n) => e(e(n[0], '×', e(n[1], '+', n[2])), '-', e(n[3], '÷', n[4])),
    (n) => e(e(e(n[0], '-', n[1]), '×', e(n[2], '+', n[3])), '+', n[4]),
    (n) => e(e(n[0], '+', e(n[1], '×', n[2])), '-', e(e(n[3], '+', n[4]), '×', 2)),
    (n) => e(e(e(n[0], '÷', n[1]), '×', n[2]), '-', e(n[3], '-', n[4])),
  ],
};

/** Evaluates the tree, writing one "a op b = c" step per operation; null when a step is negative or inexact. */
export function evaluate(expr: Expr, steps: string[]): number | null {
  if (typeof expr === 'number') return expr;
  const l = evaluate(expr.l, steps);
  const r = evaluate(expr.r, steps);
  if (l === null || r === null) return null;
  let v: number;
  switch (expr.op) {
    case '+': v = l + r; break;
    case '-': v = l - r; break;
    case '×': v = l * r; break;
    case '÷': v = r !== 0 && l % r === 0 ? l / r : NaN; break;
  }
  if (!Number.isInteger(v) || v < 0) return null;
  steps.push(`${l} ${expr.op} ${r} = ${v}`);
  return v;
}

/** Infix text with only the brackets the tree needs. */
export function exprText(expr: Expr): string {
  if (typeof expr === 'number') return String(expr);
  const side = (child: Expr, right: boolean) => {
    if (typeof child === 'number') return String(child);
    const p = PRECEDENCE[child.op];
    const parent = PRECEDENCE[expr.op];
    const needs = p < parent || (right && p === parent && (expr.op === '-' || expr.op === '÷'));
    return needs ? `(${exprText(child)})` : exprText(child);
  };
  return `${side(expr.l, false)} ${expr.op} ${side(expr.r, true)}`;
}

function sampleNumbers(rng: Rng, level: number, form: number): number[] {
  const max = level === 1 ? 12 : level === 2 ? 20 : 30;
  const n = Array.from({ length: 5 }, () => rng.int(2, max));
  // Make every leaf dividend a multiple of its divisor.
  const divisions: Record<string, [number, number]> = { '1/3': [1, 2], '2/3': [0, 1], '3/0': [3, 4], '3/3': [0, 1] };
  const d = divisions[`${level}/${form}`];
  if (d) n[d[0]] = n[d[1]] * rng.int(2, level === 1 ? 9 : 12);
  return n;
}

/** Level L forms use L + 2 sampled numbers. */
const arity = (level: number) => level + 2;

export const orderOfOperations = defineGenerator<{ level: number; form: number; nums: number[] }>({
  id: 'order-of-operations',
  knowledgePoints: ['arith.order-of-operations'],
  levels: [1, 2, 3],
  sample(rng, level) {
    for (;;) {
      const form = rng.int(0, FORMS[level].length - 1);
      const nums = sampleNumbers(rng, level, form).slice(0, arity(level));
      // Keep only expressions whose every intermediate value is a non-negative integer.
      if (evaluate(FORMS[level][form](nums), []) !== null) return { level, form, nums };
    }
  },
  render({ level, form, nums }, rng) {
    const expr = FORMS[level][form](nums);
    const steps: string[] = [];
    const value = evaluate(expr, steps);
    if (value === null) throw new Error(`order-of-operations: parameters ${JSON.stringify(nums)} give no whole value`);
    const text = exprText(expr);
    const question = rng.pick([`Evaluate ${text}.`, `What is the value of ${text}?`, `Compute ${text}, following the order of operations.`]);
    return { question, steps, answer: String(value) };
  },
});
