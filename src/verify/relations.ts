// Inequalities and relation chains: "x \ge 5", "5 \le x", "-2 \le x \le 7", "x \ne 3", "f(2) < f(1) < f(4)".
// A relation with one named side and constant bounds is also a set of numbers: "x \ge 5" is [5, \infty),
// "-2 \le x \le 7" is [-2, 7], "x \ne 3" is (-\infty, 3) \cup (3, \infty), so it can be compared with an interval.
import { isNameOnly } from './structures.ts';

export type RelationOp = '<' | '\\le' | '>' | '\\ge' | '\\ne';

export interface Relation {
  /** the sides, one more than the operators */
  parts: string[];
  ops: RelationOp[];
}

const OPS: RelationOp[] = ['\\le', '\\ge', '\\ne', '<', '>'];

/** Splits at top-level relation operators (outside brackets and braces); null when there is none. */
export function parseRelation(s: string): Relation | null {
  if (!/[<>]|\\[lg]e(?![A-Za-z])|\\ne(?![A-Za-z])/.test(s)) return null;
  const parts: string[] = [];
  const ops: RelationOp[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (depth !== 0) {
      if (c === '\\') i++;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i) && (o.length === 1 || !/[A-Za-z]/.test(s[i + o.length] ?? '')));
    if (op) {
      parts.push(s.slice(start, i).trim());
      ops.push(op);
      i += op.length - 1;
      start = i + 1;
    } else if (c === '\\') {
      // skip a command name so that \left or \leq-like names are not read as operators
      const m = /^\\[A-Za-z]+/.exec(s.slice(i, i + 40));
      if (m) i += m[0].length - 1;
      else i++;
    }
  }
  parts.push(s.slice(start).trim());
  if (ops.length === 0 || parts.some((p) => p === '')) return null;
  return { parts, ops };
}

const FLIP: Record<RelationOp, RelationOp> = { '<': '>', '>': '<', '\\le': '\\ge', '\\ge': '\\le', '\\ne': '\\ne' };

/** The same relation written left to right with < and \le ("7 \ge x \ge -2" -> "-2 \le x \le 7"), when possible. */
export function ascending(r: Relation): Relation {
  const descending = r.ops.every((op) => op === '>' || op === '\\ge' || op === '\\ne') && r.ops.some((op) => op !== '\\ne');
  if (!descending) return r;
  return { parts: [...r.parts].reverse(), ops: [...r.ops].reverse().map((op) => FLIP[op]) };
}

/**
 * The relation as an interval or union of intervals in LaTeX, when it bounds one named quantity by constants
 * ("x > 5", "5 \le x", "-2 \le x < 7", "x \ne 3"); null otherwise. `isConstant` decides what a bound is.
 */
export function relationAsIntervals(r: Relation, isConstant: (s: string) => boolean): string | null {
  const a = ascending(r);
  if (a.ops.length === 1) {
    const [left, right] = a.parts;
    const op = a.ops[0];
    const nameLeft = isNameOnly(left) && isConstant(right);
    const nameRight = isNameOnly(right) && isConstant(left);
    if (!nameLeft && !nameRight) return null;
    const bound = nameLeft ? right : left;
    if (op === '\\ne') return `(-\\infty, ${bound}) \\cup (${bound}, \\infty)`;
    // "x < b" / "b > x": below b; "b < x" / "x > b": above b
    const below = (nameLeft && (op === '<' || op === '\\le')) || (nameRight && (op === '>' || op === '\\ge'));
    const closed = op === '\\le' || op === '\\ge';
    return below ? `(-\\infty, ${bound}${closed ? ']' : ')'}` : `${closed ? '[' : '('}${bound}, \\infty)`;
  }
  if (a.ops.length === 2 && a.ops.every((op) => op === '<' || op === '\\le')) {
    const [low, name, high] = a.parts;
    if (!isNameOnly(name) || !isConstant(low) || !isConstant(high)) return null;
    return `${a.ops[0] === '<' ? '(' : '['}${low}, ${high}${a.ops[1] === '<' ? ')' : ']'}`;
  }
  return null;
}
