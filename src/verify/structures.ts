// The structure of an answer: top-level splitting (commas, "or", \cup, matrix cells), outer brackets of
// tuples / intervals / sets, matrices (\begin{pmatrix} ... \end{pmatrix}) and equations.

/** Splits at `separator` outside (), [], {}, \{ \} and \begin ... \end. */
export function splitTopLevel(s: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (depth === 0 && s.startsWith(separator, i)) {
      parts.push(s.slice(start, i));
      i += separator.length - 1;
      start = i + 1;
      continue;
    }
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1;
        i++;
      } else if (s.startsWith('begin', i + 1)) {
        depth++;
        i += 5;
      } else if (s.startsWith('end', i + 1)) {
        depth--;
        i += 3;
      } else if (next === '\\') {
        i++;
      }
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

export interface Bracketed {
  open: string;
  close: string;
  /** the comma-separated items inside */
  items: string[];
  /** \{ ... \} or { ... } */
  set: boolean;
}

const OPENERS = ['\\{', '(', '[', '{'];
const CLOSERS = ['\\}', ')', ']', '}'];

/** Index just after the bracket that closes the one opening at 0, or -1 (any bracket type closes any). */
function closingIndex(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === '{') depth++;
      else if (next === '}' && --depth === 0) return i + 2;
      i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * A tuple, interval or set: the whole answer inside one pair of brackets, with a top-level comma for
 * ( and [ ("(1,2)", "[0, \infty)"), any content for set braces ("\{1, 2\}", "\{5\}"). Null otherwise.
 */
export function bracketed(s: string): Bracketed | null {
  const open = OPENERS.find((o) => s.startsWith(o));
  if (!open || closingIndex(s) !== s.length) return null;
  const close = CLOSERS.find((c) => s.endsWith(c))!;
  const inner = s.slice(open.length, s.length - close.length).trim();
  const items = splitItems(inner);
  const set = open === '\\{' || open === '{';
  if (set && close !== '}' && close !== '\\}') return null;
  if (!set && (items.length < 2 || close === '}' || close === '\\}')) return null;
  if (items.some((item) => item === '')) return set && inner === '' ? { open, close, items: [], set } : null;
  return { open, close, items, set };
}

/** Top-level items separated by commas, or by semicolons when there is no comma ("(0;0;6)", "-12;-11"). */
function splitItems(s: string): string[] {
  const byComma = splitTopLevel(s, ',');
  if (byComma.length > 1 || !s.includes(';')) return byComma;
  return splitTopLevel(s, ';');
}

/** Items of an unbracketed list of answers: "1, 2", "x = 1 or x = 2", "3 and 4", "-12; -11". */
export function listItems(s: string): string[] {
  const items: string[] = [];
  for (const part of splitItems(s)) {
    for (const piece of part.split(/\s*(?<![A-Za-z\\])(?:or|and)(?![A-Za-z])\s*/)) if (piece.trim() !== '') items.push(piece.trim());
  }
  return items;
}

export interface Matrix {
  /** 'det' for \begin{vmatrix} (a determinant), 'matrix' for every other environment */
  kind: 'matrix' | 'det';
  rows: string[][];
}

const MATRIX_RE = /^\\begin\{(pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|matrix|smallmatrix|array)\}((?:\{[^{}]*\})?)([\s\S]*)\\end\{\1\}$/;

/** A matrix written with \begin{pmatrix} (or bmatrix, matrix, array...), or null. Brackets around the
 * environment are the matrix's own delimiters: "[\begin{array}{cc} ... \end{array}]" is a matrix. */
export function parseMatrix(s: string): Matrix | null {
  const wrapped = /^[([]\s*(\\begin\{[\s\S]*\\end\{[A-Za-z]+\})\s*[)\]]$/.exec(s);
  if (wrapped) s = wrapped[1];
  const m = MATRIX_RE.exec(s);
  if (!m) return null;
  const rows = splitTopLevel(m[3], '\\\\').filter((row, i, all) => row !== '' || i < all.length - 1);
  if (rows.length === 0) return null;
  const cells = rows.map((row) => splitTopLevel(row, '&'));
  return { kind: m[1] === 'vmatrix' ? 'det' : 'matrix', rows: cells };
}

/** The items of a matrix with a single row or a single column, or null. */
export function vectorItems(m: Matrix): string[] | null {
  if (m.kind !== 'matrix') return null;
  if (m.rows.length === 1) return m.rows[0];
  return m.rows.every((row) => row.length === 1) ? m.rows.map((row) => row[0]) : null;
}

/** A left-hand side that only names the answer: x, k, AB, a_1, \theta, f(x), P(x, y). */
export function isNameOnly(lhs: string): boolean {
  // a tuple of names: (p, q), (x, y, z)
  const tuple = /^\((.*)\)$/.exec(lhs);
  if (tuple && tuple[1].includes(',')) return tuple[1].split(',').every((name) => isNameOnly(name.trim()));
  return /^(?:[A-Za-z]{1,3}(?:_\{?\w+\}?)?|\\[A-Za-z]+(?:_\{?\w+\}?)?|[A-Za-z]\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])*\s*\))$/.test(lhs) && !/^\\(?:frac|sqrt|infty|pi)$/.test(lhs);
}

const MAX_PLUS_MINUS = 3;

/** The two answers written with ± (\pm / \mp) at its first top-level place, or null when there is none. */
export function expandPlusMinus(s: string): [string, string] | null {
  const m = /\\(pm|mp)(?![A-Za-z])/.exec(s);
  if (!m) return null;
  // each ± doubles the answers to compare: more than MAX_PLUS_MINUS of them are compared as written
  if ((s.match(/\\(?:pm|mp)(?![A-Za-z])/g)?.length ?? 0) > MAX_PLUS_MINUS) return null;
  const before = s.slice(0, m.index);
  const after = s.slice(m.index + m[0].length);
  const [first, second] = m[1] === 'pm' ? ['+', '-'] : ['-', '+'];
  return [`${before}${first}${after}`.trim(), `${before}${second}${after}`.trim()];
}

/** "+" or "-" for an infinite answer (\infty, -\infty, inf, infinity), else null. */
export function infinitySign(s: string): '+' | '-' | null {
  const m = /^([+-]?)\s*(?:\\infty|infty|inf|infinity|oo)$/i.exec(s);
  return m ? (m[1] === '-' ? '-' : '+') : null;
}
