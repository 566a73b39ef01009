// LaTeX clean-up of an extracted answer, so that equal answers written differently compare equal:
// math delimiters, \left / \right, spacing, \text{} and friends, \dfrac / \tfrac, degrees, thousands
// separators, unicode symbols, and the unit words after a number.

/** Commands whose braced argument is kept as plain text: \text{5 dollars} -> 5 dollars. */
const UNWRAP = ['text', 'textbf', 'textit', 'textrm', 'textsf', 'texttt', 'textnormal', 'mathrm', 'mathbf', 'mathit', 'mathsf', 'mathtt', 'mathnormal', 'mbox', 'hbox', 'operatorname', 'boxed', 'fbox', 'bm', 'boldsymbol', 'mathbb', 'mathcal'];
const UNWRAP_RE = new RegExp(String.raw`\\(?:${UNWRAP.join('|')})(?![A-Za-z])\s*\{`, 'g');

const UNICODE: [RegExp, string][] = [
  [/[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g, '-'],
  [/\u00D7/g, '\\times '],
  [/[\u00B7\u22C5]/g, '\\cdot '],
  [/\u00F7/g, '\\div '],
  [/\u03C0/g, '\\pi '],
  [/\u221E/g, '\\infty '],
  [/\u221A/g, '\\sqrt'],
  [/\u2264/g, '\\le '],
  [/\u2265/g, '\\ge '],
  [/\u2260/g, '\\ne '],
  [/\u222A/g, '\\cup '],
  [/\u2229/g, '\\cap '],
  [/[\u00A0\u2009\u202F]/g, ' '],
];

/** Replaces every `\cmd{X}` (balanced braces) of UNWRAP by ` X ` ... or by `X` when X has no outer spaces. */
function unwrapTextCommands(s: string): string {
  for (let guard = 0; guard < 1000; guard++) {
    UNWRAP_RE.lastIndex = 0;
    const m = UNWRAP_RE.exec(s);
    if (!m) return s;
    const open = m.index + m[0].length - 1;
    const close = closingBrace(s, open);
    if (close < 0) return s.slice(0, m.index) + s.slice(open + 1); // unbalanced: drop the command only
    s = s.slice(0, m.index) + s.slice(open + 1, close) + s.slice(close + 1);
  }
  return s;
}

/** Index of the `}` matching the `{` at `open`, or -1. */
export function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Gives \frac, \binom and \sqrt braced arguments: \frac12 -> \frac{1}{2}, \frac1x -> \frac{1}{x},
 * \sqrt2 -> \sqrt{2}, \frac\pi2 -> \frac{\pi}{2}. A bare argument is one character or one command.
 */
function braceShortArguments(s: string): string {
  const re = /\\(frac|binom|sqrt)(?![A-Za-z])/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let i = m.index + m[0].length;
    out += s.slice(last, i);
    const count = m[1] === 'sqrt' ? 1 : 2;
    for (let k = 0; k < count; k++) {
      while (s[i] === ' ') i++;
      if (m[1] === 'sqrt' && s[i] === '[') {
        const end = s.indexOf(']', i);
        if (end < 0) break;
        out += s.slice(i, end + 1);
        i = end + 1;
        while (s[i] === ' ') i++;
      }
      if (i >= s.length) break;
      if (s[i] === '{') {
        const close = closingBrace(s, i);
        if (close < 0) break;
        out += s.slice(i, close + 1);
        i = close + 1;
      } else {
        const cmd = /^\\[A-Za-z]+/.exec(s.slice(i, i + 40));
        const arg = cmd ? cmd[0] : s[i];
        out += `{${arg}}`;
        i += arg.length;
      }
    }
    last = i;
    re.lastIndex = i;
  }
  return out + s.slice(last);
}

/** Drops one pair of braces around the whole answer when they form a single group: {{5}} -> 5. */
function stripOuterBraces(s: string): string {
  while (s.startsWith('{') && closingBrace(s, 0) === s.length - 1 && !hasTopLevelComma(s.slice(1, -1))) s = s.slice(1, -1).trim();
  return s;
}

function hasTopLevelComma(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/** The canonical text of an answer; idempotent. */
export function normalizeAnswer(input: string): string {
  let s = input.trim();
  // plain answers ("42", "-3.5", "x + 1", "12 apples") need none of the LaTeX rules below
  if (PLAIN.test(s)) return stripTrailingPunctuation(s.replace(/\s+/g, ' ').replace(/(\d)\s*(?:percentage|percent|pct)\b/gi, '$1%'));
  if (/[^\x00-\x7F]/.test(s)) {
    for (const [re, to] of UNICODE) s = s.replace(re, to);
    s = s.replace(/\u00B0/g, '');
  }
  // a doubled backslash before a command name ("\\frac" for "\frac", from text escaped twice) is the command;
  // not in matrices, where "\\" ends a row
  if (!s.includes('\\begin')) s = s.replace(/(?<!\\)\\\\(?=[A-Za-z])/g, '\\');
  // math-mode delimiters and sizing
  s = s.replace(/(?<!\\)\\[()[\]]/g, ' ').replace(/\$/g, ' ');
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![A-Za-z])/g, '');
  s = s.replace(/\\(?:left|right|[bB]ig{1,2}[lrm]?)(?![A-Za-z])\s*\.?/g, '');
  // thousands separators: 1{,}000, 14 {, }916, 1,\!000, 11,\! 111, 1\,000
  s = s.replace(/\s*\{\s*,\s*\}\s*/g, ',').replace(/,\\!\s*/g, ',').replace(/(\d)\\,(?=\d{3}(?!\d))/g, '$1').replace(/\\!/g, '');
  s = s.replace(/(?<!\\)\\(?:[,;: ]|(?:quad|qquad|enspace|thinspace)(?![A-Za-z]))/g, ' ').replace(/~/g, ' ');
  // degrees, percent, currency
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?/g, '').replace(/\\(?:circ|degree)(?![A-Za-z])/g, '');
  s = s.replace(/\\%/g, '%').replace(/\\\$/g, ' ');
  s = unwrapTextCommands(s);
  s = s.replace(/(\d)\s*(?:percentage|percent|pct)\b/gi, '$1%');
  s = s.replace(/\\[dtc]frac(?![A-Za-z])/g, '\\frac').replace(/\\[dt]binom(?![A-Za-z])/g, '\\binom');
  s = s.replace(/\\(?:leq|leqslant)(?![A-Za-z])/g, '\\le').replace(/\\(?:geq|geqslant)(?![A-Za-z])/g, '\\ge').replace(/\\neq(?![A-Za-z])/g, '\\ne');
  // relations written in ASCII or as \lt / \gt: <= >= != => \le \ge \ne, and \lt \gt => < >
  s = s.replace(/<=/g, '\\le ').replace(/>=/g, '\\ge ').replace(/!=/g, '\\ne ').replace(/\\lt(?![A-Za-z])/g, '<').replace(/\\gt(?![A-Za-z])/g, '>');
  s = s.replace(/\\(?:approx|simeq|thickapprox)(?![A-Za-z])/g, '\\approx');
  s = s.replace(/\\(?:dots|ldots|cdots)(?![A-Za-z])/g, '...');
  s = braceShortArguments(s);
  s = s.replace(/\s+/g, ' ').trim();
  return stripOuterBraces(stripTrailingPunctuation(s));
}

/** Answers without LaTeX, brackets of sets, relations written in ASCII, or symbols outside ASCII. */
const PLAIN = /^[A-Za-z0-9.,+\-*/ ()]*$/;

/** Trailing punctuation, but not an ellipsis ("1, 2, 3, ..."); a trailing "!" is a factorial here. */
function stripTrailingPunctuation(s: string): string {
  return s.endsWith('...') ? s : s.replace(/[.,;:]+$/, '').trim();
}

/** The answer without any whitespace, for plain string comparison. */
export function compactAnswer(s: string): string {
  return s.replace(/\s+/g, '');
}

/** Unit words after a number that are dropped even when they are one letter or written without a space. */
const UNITS = new Set(
  ('cm mm km m nm meter meters metre metres inch inches ft feet foot yd yard yards mile miles mph kph kmh ' +
    'g kg mg gram grams kilogram kilograms lb lbs pound pounds oz ounce ounces ton tons ' +
    's sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks month months year years ' +
    'l ml liter liters litre litres gallon gallons cup cups quart quarts pint pints ' +
    'dollar dollars cent cents usd euro euros sq square cubic unit units degree degrees deg rad radian radians')
    .split(' '),
);

export function isUnitWord(word: string): boolean {
  return UNITS.has(word.toLowerCase());
}

/**
 * Drops the words after a number: "5 cm" -> "5", "12 apples" -> "12", "3 cm^2" -> "3", "5cm" -> "5".
 * A word is dropped when it is a known unit or at least two letters long; `isNumber` decides whether
 * what is left is a number, and when it is not the text is returned unchanged ("2 x" stays "2 x").
 */
export function stripUnits(s: string, isNumber: (t: string) => boolean): string {
  const words = s.split(' ');
  let n = words.length;
  while (n > 1) {
    const m = /^([A-Za-z]+)(?:\^\{?\d\}?)?\.?$/.exec(words[n - 1]);
    if (!m || !(m[1].length >= 2 || isUnitWord(m[1]))) break;
    n--;
  }
  if (n < words.length) {
    const rest = words.slice(0, n).join(' ');
    if (isNumber(rest)) return rest;
  }
  const glued = /^(.*?\d)([A-Za-z]{2,})(?:\^\{?\d\}?)?$/.exec(s);
  if (glued && isUnitWord(glued[2]) && isNumber(glued[1])) return glued[1];
  return s;
}
