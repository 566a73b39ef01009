// Algebraic equality of expression trees and equations: exact for rational constants, otherwise by
// evaluation at seeded random points (deterministic: the same points on every call).
import { type Node, tryParseExpression } from './expression.ts';
import { evaluateExact, evaluateFloat, variablesOf } from './evaluate.ts';
import { ratEq } from './number.ts';

/** Seeded generator (mulberry32): the same points on every call, so every verdict is reproducible. */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POINT_SEED = 20240601;
const POINTS = 16;
/** Points where both sides are defined needed before two expressions with variables are called equal. */
const MIN_DEFINED_POINTS = 3;
/**
 * Ranges the variables are drawn from, in turn: small positive (inside arcsin's domain), larger positive,
 * negative (so that |x| and x tell apart) and large (so that \sqrt{x - 5} has points where it is defined).
 */
const BANDS: [number, number][] = [[0.1, 0.9], [1.2, 4], [-3, -0.2], [4, 40]];

/** Seeded random assignments of the variables, the same on every call. */
function samplePoints(variables: string[]): Map<string, number>[] {
  const random = seededRandom(POINT_SEED);
  const points: Map<string, number>[] = [];
  for (let i = 0; i < POINTS; i++) {
    const [lo, hi] = BANDS[i % BANDS.length];
    const env = new Map<string, number>();
    for (const name of variables) env.set(name, lo + (hi - lo) * random());
    points.push(env);
  }
  return points;
}

function close(a: number, b: number, relative: number, absolute: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (a === b) return true;
  const d = Math.abs(a - b);
  return d <= absolute || d <= relative * Math.max(Math.abs(a), Math.abs(b));
}

const NO_VARIABLES = new Map<string, number>();

/**
 * Constants: exactly when both are rational (so 1/3 and 0.333 differ), otherwise to 1e-12 relative.
 * With variables: equal values (1e-9 relative) at every seeded point where both sides are defined.
 */
export function expressionsEqual(a: Node, b: Node): boolean {
  const variables = [...variablesOf(b, variablesOf(a))].sort();
  if (variables.length === 0) {
    const ea = evaluateExact(a);
    const eb = evaluateExact(b);
    if (ea && eb) return ratEq(ea, eb);
    const fa = evaluateFloat(a, NO_VARIABLES);
    const fb = evaluateFloat(b, NO_VARIABLES);
    // an overflow (2^{10000}) is no evidence of equality; true infinities are compared before, as text
    return Number.isFinite(fa) && Number.isFinite(fb) && close(fa, fb, 1e-12, 1e-15);
  }
  let defined = 0;
  for (const env of samplePoints(variables)) {
    const va = evaluateFloat(a, env);
    const vb = evaluateFloat(b, env);
    if (!Number.isFinite(va) || !Number.isFinite(vb)) continue; // outside the domain, or overflow
    if (!close(va, vb, 1e-9, 1e-12)) return false;
    defined++;
  }
  return defined >= MIN_DEFINED_POINTS;
}

/**
 * Whether f is a constant nonzero multiple of h (positive only, when `positive`) at every seeded point where
 * both are defined (at least MIN_DEFINED_POINTS of them, with some nonzero values).
 */
function proportional(f: Node, h: Node, positive: boolean): boolean {
  const variables = [...variablesOf(h, variablesOf(f))].sort();
  if (variables.length === 0) return false;
  let ratio: number | null = null;
  let defined = 0;
  for (const env of samplePoints(variables)) {
    const vf = evaluateFloat(f, env);
    const vh = evaluateFloat(h, env);
    if (!Number.isFinite(vf) || !Number.isFinite(vh)) continue;
    if (Math.abs(vh) < 1e-12 || Math.abs(vf) < 1e-12) {
      if (!close(vf, vh, 0, 1e-9)) return false;
      continue;
    }
    const r = vf / vh;
    if (ratio === null) ratio = r;
    else if (!close(r, ratio, 1e-9, 0)) return false;
    defined++;
  }
  return defined >= MIN_DEFINED_POINTS && ratio !== null && (!positive || ratio > 0);
}

function differenceOf(lhs: string, rhs: string): Node | null {
  const a = tryParseExpression(lhs);
  const b = a && tryParseExpression(rhs);
  return a && b ? { k: 'sub', a, b } : null;
}

/** Equations are equal when lhs - rhs of one is a nonzero constant multiple of the other's: 2y = 4x + 2 ~ y = 2x + 1. */
export function equationsEqual([l1, r1]: [string, string], [l2, r2]: [string, string]): boolean {
  const f = differenceOf(l1, r1);
  const h = f && differenceOf(l2, r2);
  return f !== null && h !== null && proportional(f, h, false);
}

/**
 * Single inequalities `l op r`: written as "d < 0" / "d \le 0" / "d \ne 0" with d = l - r (sides swapped for >
 * and \ge), they are equal when the operators match and one d is a positive multiple of the other (any nonzero
 * multiple for \ne): "x < 1" ~ "-x > -1" ~ "2x < 2".
 */
export function relationsEqual([l1, op1, r1]: [string, string, string], [l2, op2, r2]: [string, string, string]): boolean {
  const canonical = (l: string, op: string, r: string): [string, string, string] =>
    op === '>' ? [r, '<', l] : op === '\\ge' ? [r, '\\le', l] : [l, op, r];
  const [a1, o1, b1] = canonical(l1, op1, r1);
  const [a2, o2, b2] = canonical(l2, op2, r2);
  if (o1 !== o2) return false;
  const f = differenceOf(a1, b1);
  const h = f && differenceOf(a2, b2);
  return f !== null && h !== null && proportional(f, h, o1 !== '\\ne');
}
