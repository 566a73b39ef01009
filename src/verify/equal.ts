// Equivalence of two extracted answers. The rules, in order:
//   identical text after LaTeX clean-up -> numbers (exact rationals) -> multiple-choice letters ->
//   equations and named answers ("x = 5", "x \in [1, 2]") -> matrices -> unions of intervals -> ± ->
//   tuples / intervals (brackets must match, order matters) / sets (order ignored) -> unbracketed lists
//   (order ignored) -> units -> infinities -> words -> algebraic expressions (exact, or evaluation at
//   seeded random points).
// Percentages: "50%" equals both 50 and 0.5 (the sign may be dropped or applied).
import { compactAnswer, normalizeAnswer, stripUnits } from './normalize.ts';
import { type ParsedNumber, numberReadings, parseNumber, ratEq } from './number.ts';
import { tryParseExpression } from './expression.ts';
import { variablesOf } from './evaluate.ts';
import { equationsEqual, expressionsEqual } from './algebra.ts';
import { bracketed, expandPlusMinus, infinitySign, isNameOnly, listItems, parseMatrix, type Matrix, splitEquation, splitTopLevel, vectorItems } from './structures.ts';

/** Answers longer than this are compared as text only (keeps every check fast and bounded). */
const MAX_STRUCTURED_LENGTH = 5000;
/** Nesting of structures (a set of tuples of ...) beyond which answers are compared as text. */
const MAX_DEPTH = 8;
/** Lists longer than this are compared as text. */
const MAX_ITEMS = 200;

/** pred and gold are already-extracted answers; never throws (odd input is simply not equal). */
export function answersEqual(pred: string, gold: string): boolean {
  try {
    const p = asText(pred);
    const g = asText(gold);
    if (p === null || g === null) return false;
    if (p.length > MAX_STRUCTURED_LENGTH || g.length > MAX_STRUCTURED_LENGTH) return p.trim() !== '' && p.trim() === g.trim();
    const np = normalizeAnswer(p);
    const ng = normalizeAnswer(g);
    if (np === '' || ng === '') return false;
    return equalNormalized(np, ng, 0);
  } catch {
    return false;
  }
}

/** Strings as they are; finite numbers as their decimal text (JSON gold answers are often numbers). */
function asText(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  if (typeof x === 'bigint') return x.toString();
  return null;
}

function equalNormalized(p: string, g: string, depth: number): boolean {
  if (compactAnswer(p) === compactAnswer(g)) return true;
  if (depth > MAX_DEPTH) return false;
  const np = parseNumber(p);
  const ng = parseNumber(g);
  if (np && ng) return numbersEqual(np, ng);
  const letter = choiceLetter(g);
  if (letter) return predictedChoice(p) === letter;
  return equationsVerdict(p, g, depth) ?? structuresEqual(p, g, depth) ?? leavesEqual(p, g, depth);
}

/**
 * Equations: two equations compare as equations; "x = 5", "f(x) = 2x", "x \in [1, 2]" against an answer
 * without "=" compare by their right-hand side. Null when neither answer is an equation.
 */
function equationsVerdict(p: string, g: string, depth: number): boolean | null {
  const ep = splitEquation(p);
  const eg = splitEquation(g);
  if (ep && eg) {
    if (equationsEqual(ep, eg)) return true;
    return isNameOnly(ep[0]) && compactAnswer(ep[0]) === compactAnswer(eg[0]) && equalNormalized(ep[1], eg[1], depth + 1);
  }
  if (ep) return isNameOnly(ep[0]) && equalNormalized(ep[1], g, depth + 1);
  if (eg) return isNameOnly(eg[0]) && equalNormalized(p, eg[1], depth + 1);
  const inP = membership(p);
  const inG = membership(g);
  if (inP && inG) return compactAnswer(inP[0]) === compactAnswer(inG[0]) && equalNormalized(inP[1], inG[1], depth + 1);
  if (inP) return equalNormalized(inP[1], g, depth + 1);
  if (inG) return equalNormalized(p, inG[1], depth + 1);
  return null;
}

/** [name, set] of "x \in [1, 2]", or null. */
function membership(s: string): [string, string] | null {
  const m = /^([^\\=]{1,12}?|\\[A-Za-z]+)\s*\\in(?![A-Za-z])\s*(\S.*)$/.exec(s);
  return m && isNameOnly(m[1].trim()) ? [m[1].trim(), m[2]] : null;
}

function numbersEqual(p: ParsedNumber, g: ParsedNumber): boolean {
  const gold = numberReadings(g);
  return numberReadings(p).some((a) => gold.some((b) => ratEq(a, b)));
}

/** The letter of a multiple-choice gold answer: "B", "(B)". */
function choiceLetter(gold: string): string | null {
  return /^\(?([A-J])\)?$/.exec(gold)?.[1] ?? null;
}

/** The letter a prediction picks: "B", "(B)", "(b)", "B)", "B. 12", "(B) 12", "Option B". */
function predictedChoice(pred: string): string | null {
  const m = /^(?:(?:[Oo]ption|[Cc]hoice)\s*)?(?:\(([A-Ja-j])\)|([A-J])\)?)(?:[\s.:].*)?$/.exec(pred);
  return m ? (m[1] ?? m[2]).toUpperCase() : null;
}

/** The verdict when either answer is a structure (matrix, union, ±, tuple, interval, set, list), else null. */
function structuresEqual(p: string, g: string, depth: number): boolean | null {
  const mp = parseMatrix(p);
  const mg = parseMatrix(g);
  if (mp || mg) return matricesEqual(mp, p, mg, g, depth);
  const up = splitTopLevel(p, '\\cup');
  const ug = splitTopLevel(g, '\\cup');
  if (up.length > 1 || ug.length > 1) return unorderedEqual(up, ug, depth);
  const pmP = expandPlusMinus(p);
  const pmG = expandPlusMinus(g);
  if (pmP || pmG) return unorderedEqual(pmP ?? listItems(p), pmG ?? listItems(g), depth);
  const bp = bracketed(p);
  const bg = bracketed(g);
  if (bp && bg) {
    if (bp.set !== bg.set) return false;
    if (bp.set) return unorderedEqual(bp.items, bg.items, depth);
    return bp.open === bg.open && bp.close === bg.close && orderedEqual(bp.items, bg.items, depth);
  }
  // a set against an unbracketed list ("\{1, 2\}" vs "1, 2"); a tuple or interval only matches its own kind
  if (bp) return bp.set ? unorderedEqual(bp.items, listItems(g), depth) : false;
  if (bg) return bg.set ? unorderedEqual(listItems(p), bg.items, depth) : false;
  const lp = listItems(p);
  const lg = listItems(g);
  if (lp.length > 1 || lg.length > 1) return unorderedEqual(lp, lg, depth);
  return null;
}

/** Matrices cell by cell; a one-row or one-column matrix also matches a tuple with the same items. */
function matricesEqual(mp: Matrix | null, p: string, mg: Matrix | null, g: string, depth: number): boolean {
  if (mp && mg) {
    if (mp.kind !== mg.kind || mp.rows.length !== mg.rows.length) return false;
    return mp.rows.every((row, i) => orderedEqual(row, mg.rows[i], depth));
  }
  const matrix = (mp ?? mg)!;
  const tuple = bracketed(mp ? g : p);
  const items = vectorItems(matrix);
  if (!tuple || tuple.set || !items) return false;
  return mp ? orderedEqual(items, tuple.items, depth) : orderedEqual(tuple.items, items, depth);
}

function orderedEqual(p: string[], g: string[], depth: number): boolean {
  return p.length === g.length && p.length <= MAX_ITEMS && p.every((item, i) => equalNormalized(item, g[i], depth + 1));
}

/** Same items in any order (each gold item used once). */
function unorderedEqual(p: string[], g: string[], depth: number): boolean {
  if (p.length !== g.length || p.length > MAX_ITEMS) return false;
  const used = new Array<boolean>(g.length).fill(false);
  for (const item of p) {
    const j = g.findIndex((other, k) => !used[k] && equalNormalized(item, other, depth + 1));
    if (j < 0) return false;
    used[j] = true;
  }
  return true;
}

/** Single answers: equations, "x = 5", numbers with units, infinities, words, algebraic expressions. */
function leavesEqual(p: string, g: string, depth: number): boolean {
  const up = stripUnits(p, isConstant);
  const ug = stripUnits(g, isConstant);
  if (up !== p || ug !== g) {
    if (compactAnswer(up) === compactAnswer(ug)) return true;
    const np = parseNumber(up);
    const ng = parseNumber(ug);
    if (np && ng) return numbersEqual(np, ng);
  }
  const ip = infinitySign(up);
  const ig = infinitySign(ug);
  if (ip || ig) return ip === ig;
  if (isWord(up) || isWord(ug)) return up.toLowerCase() === ug.toLowerCase();
  const ap = tryParseExpression(up);
  const ag = ap && tryParseExpression(ug);
  return ap !== null && ag !== null && expressionsEqual(ap, ag);
}

/** Words and phrases ("Monday", "no solution") are compared as text, not as products of variables. */
function isWord(s: string): boolean {
  return /^[A-Za-z]+(?:[ '-][A-Za-z]+)*$/.test(s) && /[A-Za-z]{4}|[A-Za-z]{2} [A-Za-z]{2}/.test(s);
}

function isConstant(s: string): boolean {
  if (parseNumber(s)) return true;
  const node = tryParseExpression(s);
  return node !== null && variablesOf(node).size === 0;
}
