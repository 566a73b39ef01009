// Equivalence of two extracted answers. The rules, in order:
//   identical text after LaTeX clean-up -> numbers (exact rationals; a decimal comma; a correctly rounded
//   decimal against an exact value) -> multiple-choice letters -> inequalities and relation chains ->
//   equations and named answers ("x = 5", "x = 5 + 6 = 11", "x \in [1, 2]") -> matrices -> unions of
//   intervals -> ± -> tuples / intervals (brackets must match, order matters) / sets (order ignored) ->
//   unbracketed lists (order ignored) -> units -> infinities -> words -> algebraic expressions (exact, or
//   evaluation at seeded random points).
// Percentages: "50%" equals both 50 and 0.5 (the sign may be dropped or applied).
import { compactAnswer, normalizeAnswer, stripUnits } from './normalize.ts';
import { type ParsedNumber, numberReadings, parseNumber, ratEq, ratToNumber } from './number.ts';
import { tryParseExpression } from './expression.ts';
import { evaluateFloat, variablesOf } from './evaluate.ts';
import { equationsEqual, expressionsEqual, relationsEqual } from './algebra.ts';
import { bracketed, expandPlusMinus, infinitySign, isNameOnly, listItems, parseMatrix, type Matrix, splitTopLevel, vectorItems } from './structures.ts';
import { parseRelation, relationAsIntervals, ascending, type Relation } from './relations.ts';
import { isCorrectRounding, roundedDecimal } from './rounding.ts';
import { pickedLetter } from './choice.ts';

/** Answers longer than this are compared as text only (keeps every check fast and bounded). */
const MAX_STRUCTURED_LENGTH = 1000;
/** Nesting of structures (a set of tuples of ...) beyond which answers are compared as text. */
const MAX_DEPTH = 8;
/** Lists longer than this are compared as text. */
const MAX_ITEMS = 64;

export interface EqualOptions {
  /**
   * a decimal with at least 4 significant digits equals an exact value it is the correct rounding of
   * ("2.6667" = 8/3, "3.1416" = \pi); default true (the lenient mode), false in the strict mode
   */
  roundedDecimals?: boolean;
}

/** The options of the check under way (answersEqual is synchronous, so one slot is enough). */
let roundedDecimals = true;

/** pred and gold are already-extracted answers; never throws (odd input is simply not equal). */
export function answersEqual(pred: string, gold: string, options: EqualOptions = {}): boolean {
  const previous = roundedDecimals;
  roundedDecimals = options.roundedDecimals !== false;
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
  } finally {
    roundedDecimals = previous;
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
  if (np && ng) return numbersEqual(np, ng) || roundedEqual(p, np, g, ng);
  if (np || ng) {
    const comma = np ? decimalCommaReading(g) : decimalCommaReading(p);
    if (comma) return numbersEqual(np ?? comma, ng ?? comma);
    // "1,000,000" against "10^6": the separators are not list commas
    p = withoutThousands(p);
    g = withoutThousands(g);
  }
  const letter = choiceLetter(g);
  if (letter) return pickedLetter(p) === letter;
  return relationsVerdict(p, g, depth) ?? equationsVerdict(p, g, depth) ?? structuresEqual(p, g, depth) ?? leavesEqual(p, g, depth);
}

/** "2,74", "0,111", "1000,99": a single comma that cannot separate thousands is a decimal comma. */
function decimalCommaReading(s: string): ParsedNumber | null {
  const m = /^([+-]?)(\d+),(\d+)$/.exec(s);
  if (!m || /^[1-9]\d{0,2}$/.test(m[2]) && m[3].length === 3) return null;
  return parseNumber(`${m[1]}${m[2]}.${m[3]}`);
}

/** A written decimal (at least 4 significant digits) against a number that is not a written decimal. */
function roundedEqual(p: string, np: ParsedNumber, g: string, ng: ParsedNumber): boolean {
  if (!roundedDecimals || np.percent || ng.percent) return false;
  const dp = roundedDecimal(p);
  const dg = roundedDecimal(g);
  if (dp && dg) return false;
  if (dp) return isCorrectRounding(dp, ratToNumber(ng.value));
  if (dg) return isCorrectRounding(dg, ratToNumber(np.value));
  return false;
}

/**
 * Inequalities: two relations compare side by side after writing both left to right ("x \ge 5" = "5 \le x"),
 * or as "lhs - rhs" being a positive multiple of the other's ("x < 1" = "-x > -1"); a relation that bounds a
 * named quantity by constants compares with an interval ("-2 \le x \le 7" = "[-2, 7]" = "x \in [-2, 7]").
 * Null when neither answer is a relation.
 */
function relationsVerdict(p: string, g: string, depth: number): boolean | null {
  const rp = parseRelation(p);
  const rg = parseRelation(g);
  if (!rp && !rg) return null;
  if (rp && rg) return sameRelation(rp, rg, depth);
  const relation = (rp ?? rg)!;
  const intervals = relationAsIntervals(relation, isConstant);
  if (intervals === null) return false;
  return rp ? equalNormalized(intervals, g, depth + 1) : equalNormalized(p, intervals, depth + 1);
}

function sameRelation(rp: Relation, rg: Relation, depth: number): boolean {
  const ap = ascending(rp);
  const ag = ascending(rg);
  if (ap.ops.length === ag.ops.length && ap.ops.every((op, i) => op === ag.ops[i]) && orderedEqual(ap.parts, ag.parts, depth)) return true;
  if (rp.ops.length === 1 && rg.ops.length === 1) {
    const ip = relationAsIntervals(rp, isConstant);
    const ig = relationAsIntervals(rg, isConstant);
    if (ip !== null && ig !== null) return equalNormalized(ip, ig, depth + 1);
    return relationsEqual([rp.parts[0], rp.ops[0], rp.parts[1]], [rg.parts[0], rg.ops[0], rg.parts[1]]);
  }
  return false;
}

/** An equation or a chain "x = 5 + 6 = 11" / "x \approx 11": its first side, its value (last side), its length. */
interface EquationChain {
  lhs: string;
  value: string;
  sides: number;
  /** "lhs \\approx value" */
  approximation: boolean;
}

/**
 * The sides of an equation, chain of equalities, or approximation. An approximation after an equality is a
 * remark ("x = 1/3 \approx 0.33" has the value 1/3); an approximation alone gives its value ("x \approx 11").
 * Null when there is no top-level "=" or \approx, or when a top-level comma makes it a list of equations.
 */
function equationChain(text: string): EquationChain | null {
  if (!text.includes('=') && !text.includes('\\approx')) return null;
  // a chain in parentheses: "(35 + 70 = 105)"
  const s = text.startsWith('(') && bracketed(text) === null && closingParen(text) === text.length - 1 ? text.slice(1, -1).trim() : text;
  if (listItems(s).length > 1) return null;
  const approx = splitTopLevel(s, '\\approx');
  let sides = splitTopLevel(approx[0], '=');
  const approximation = sides.length === 1 && approx.length > 1;
  if (approximation) sides = [approx[0], approx[approx.length - 1]];
  if (sides.length < 2 || sides.some((side) => side === '')) return null;
  return { lhs: sides[0], value: sides[sides.length - 1], sides: sides.length, approximation };
}

/** Index of the ")" that closes the "(" at 0, or -1. */
function closingParen(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * An equation's value may stand for the answer when its left side names it ("x = 5", "f(x) = 2x",
 * "(p, q) = (3, 2)", "\\frac{NO}{BO} = ...", "V_1 : V_2 = 11 : 21"), or the chain runs through a name ("1 = x = 0").
 * For a predicted answer also when both sides are constants (a computation, "3 + 4 = 7"); "7 = 11a + c" is an
 * equation to match, not the value 11a + c.
 */
function valueStandsForAnswer(s: string, chain: EquationChain, isPrediction: boolean): boolean {
  if (isNameOnly(chain.lhs) || isNamedQuantity(chain.lhs)) return true;
  if (isPrediction && isConstant(chain.lhs) && isConstant(chain.value)) return true;
  return chain.sides > 2 && splitTopLevel(splitTopLevel(s, '\\approx')[0], '=').slice(1, -1).some(isNameOnly);
}

/** A ratio or quotient of names: "AB : CD", "S_{MBCN} : S", "\\frac{NO}{BO}" (letters, subscripts, ":" and \\frac only). */
function isNamedQuantity(lhs: string): boolean {
  const bare = lhs.replace(/_\{[^{}]*\}|_[A-Za-z0-9]/g, '').replace(/\\frac/g, '');
  return /^[A-Za-z{}:\s]+$/.test(bare) && /[:]|^\{/.test(bare);
}

/**
 * Equations: two equations compare as equations (sides may swap and scale) or, when both name the answer,
 * by their values; an equation against an answer without "=" compares by its value (see valueStandsForAnswer),
 * and so does "x \in S". Null when neither answer is an equation.
 */
function equationsVerdict(p: string, g: string, depth: number): boolean | null {
  const ep = equationChain(p);
  const eg = equationChain(g);
  if (ep && eg) {
    if (ep.sides === 2 && eg.sides === 2 && !p.includes('\\approx') && !g.includes('\\approx') && equationsEqual([ep.lhs, ep.value], [eg.lhs, eg.value])) return true;
    const named = isNameOnly(ep.lhs) && compactAnswer(ep.lhs).toLowerCase() === compactAnswer(eg.lhs).toLowerCase();
    return named && equalNormalized(ep.value, eg.value, depth + 1);
  }
  if (ep) {
    if (!valueStandsForAnswer(p, ep, true)) return false;
    if (equalNormalized(ep.value, g, depth + 1)) return true;
    // "\\frac{9.5}{3.14159} \\approx 3.01": the exact expression before an approximation is the answer too
    return ep.approximation && isConstant(ep.lhs) && equalNormalized(ep.lhs, g, depth + 1);
  }
  if (eg) return valueStandsForAnswer(g, eg, false) && equalNormalized(p, eg.value, depth + 1);
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
  if (pmP || pmG) return unorderedEqual(pmP ?? itemsOf(p), pmG ?? itemsOf(g), depth);
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
  // unbracketed lists of all solutions: one written twice counts once
  const lp = distinct(listItems(p));
  const lg = distinct(listItems(g));
  if (lp.length > 1 || lg.length > 1) return unorderedEqual(lp, lg, depth);
  return null;
}

/** The items of a set ("\\{1, 2\\}") or of an unbracketed list ("1, 2"). */
function itemsOf(s: string): string[] {
  const b = bracketed(s);
  return b && b.set ? b.items : listItems(s);
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

/** Items without repeats written the same way: a list of all solutions may name one twice. */
function distinct(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = compactAnswer(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
  const up = withoutThousands(stripUnits(p, isConstant));
  const ug = withoutThousands(stripUnits(g, isConstant));
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
  if (ap === null || ag === null) return false;
  if (expressionsEqual(ap, ag)) return true;
  // a rounded decimal against a constant expression ("4.1231" vs \sqrt{17})
  if (!roundedDecimals) return false;
  const dp = roundedDecimal(up);
  const dg = roundedDecimal(ug);
  if ((dp === null) === (dg === null)) return false;
  const exact = dp ? ag : ap;
  if (variablesOf(exact).size > 0) return false;
  return isCorrectRounding((dp ?? dg)!, evaluateFloat(exact, NO_VARIABLES));
}

const NO_VARIABLES = new Map<string, number>();

/** "1,000,000" as "1000000", so that a number with separators also reads as an expression (against 10^6). */
function withoutThousands(s: string): string {
  return /^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/.test(s) ? s.replace(/,/g, '') : s;
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
