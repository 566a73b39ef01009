// Exact rational numbers on BigInt, and the parser of plain numeric answers:
// integers, decimals, thousands separators, signs, scientific notation, repeating decimals, a/b, \frac{a}{b},
// mixed numbers ("1 1/2", "1\frac{1}{2}") and percentages.

export interface Rational {
  num: bigint;
  /** always > 0 */
  den: bigint;
}

export interface ParsedNumber {
  value: Rational;
  /** written with a trailing % (the value is the number before the sign, e.g. 50 for "50%") */
  percent: boolean;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** num/den reduced, den > 0; throws on a zero denominator (callers catch). */
export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO: Rational = { num: 0n, den: 1n };
export const ONE: Rational = { num: 1n, den: 1n };

export const ratEq = (a: Rational, b: Rational) => a.num * b.den === b.num * a.den;
export const ratAdd = (a: Rational, b: Rational) => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const ratSub = (a: Rational, b: Rational) => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const ratMul = (a: Rational, b: Rational) => rational(a.num * b.num, a.den * b.den);
export const ratDiv = (a: Rational, b: Rational) => rational(a.num * b.den, a.den * b.num);
export const ratNeg = (a: Rational): Rational => ({ num: -a.num, den: a.den });

/** Bit length of |n| (0 for 0). */
function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

/** Largest size (in bits) of an exact result we are willing to build; beyond it callers fall back to floats. */
export const MAX_EXACT_BITS = 4096;

/** a^k for an integer k, or null when the result would exceed MAX_EXACT_BITS (or 0^negative). */
export function ratPowInt(a: Rational, k: bigint): Rational | null {
  const neg = k < 0n;
  const e = neg ? -k : k;
  const bits = Math.max(bitLength(a.num), bitLength(a.den));
  if (bits * Number(e) > MAX_EXACT_BITS) return null;
  if (neg && a.num === 0n) return null;
  const r = rational(a.num ** e, a.den ** e);
  return neg ? rational(r.den, r.num) : r;
}

/** Nearest double, also for numerators and denominators beyond 2^1024. */
export function ratToNumber(a: Rational): number {
  const shift = Math.max(0, Math.max(bitLength(a.num), bitLength(a.den)) - 1000);
  if (shift === 0) return Number(a.num) / Number(a.den);
  const s = BigInt(shift);
  const den = a.den >> s;
  if (den === 0n) return a.num < 0n ? -Infinity : Infinity;
  return Number(a.num >> s) / Number(den);
}

/** Exact value of a decimal literal such as "12", "0.25", ".5", "1.5e-3" (no sign, no separators). */
export function decimalToRational(text: string): Rational | null {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const frac = m[2] ?? '';
  let num = BigInt((m[1] || '0') + frac);
  let den = 10n ** BigInt(frac.length);
  const exp = m[3] ? Number(m[3]) : 0;
  if (Math.abs(exp) > 1000) return null;
  if (exp > 0) num *= 10n ** BigInt(exp);
  else if (exp < 0) den *= 10n ** BigInt(-exp);
  return rational(num, den);
}

// An unsigned decimal: "1,234,567.5" (commas only in groups of three after a nonzero lead: "0,111" is not
// a thousands grouping), "12.5", ".5", "1.5e3".
const UNSIGNED = String.raw`(?:[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const DECIMAL_RE = new RegExp(`^([+-]?)(${UNSIGNED})$`);
// "a/b" with optional signs on either side
const SLASH_RE = new RegExp(`^([+-]?)(${UNSIGNED})\\s*/\\s*([+-]?)(${UNSIGNED})$`);
// "\frac{a}{b}" with numeric a and b (signs allowed inside the braces)
const FRAC_RE = /^([+-]?)\\frac\{\s*([+-]?)([\d.,]+)\s*\}\{\s*([+-]?)([\d.,]+)\s*\}$/;
// mixed numbers: "1 1/2", "1\frac{1}{2}", "-2 \frac{3}{4}"
const MIXED_SLASH_RE = /^([+-]?)(\d+)\s+(\d+)\s*\/\s*(\d+)$/;
const MIXED_FRAC_RE = /^([+-]?)(\d+)\s*\\frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}$/;
// repeating decimals: "0.\overline{3}" = 1/3, "1.2\overline{45}"
const REPEATING_RE = /^([+-]?)(\d*)\.(\d*)\\overline\{(\d{1,50})\}$/;

/** intpart.fixed(repeat)... = (all digits - digits without the repeat) / (10^|fixed| * (10^|repeat| - 1)). */
function repeatingDecimal(intPart: string, fixed: string, repeat: string): Rational {
  const all = BigInt((intPart || '0') + fixed + repeat);
  const head = BigInt((intPart || '0') + fixed);
  return rational(all - head, 10n ** BigInt(fixed.length) * (10n ** BigInt(repeat.length) - 1n));
}

function unsignedValue(text: string): Rational | null {
  return decimalToRational(text.replace(/,/g, ''));
}

function signed(sign: string, r: Rational | null): Rational | null {
  return r && sign === '-' ? ratNeg(r) : r;
}

function parseUnpercented(text: string): Rational | null {
  let m = DECIMAL_RE.exec(text);
  if (m) return signed(m[1], unsignedValue(m[2]));
  if ((m = SLASH_RE.exec(text))) return ratioOf(m[1], m[2], m[3], m[4]);
  if ((m = FRAC_RE.exec(text))) {
    const outer = m[1] === '-' ? '-' : '';
    return signed(outer, ratioOf(m[2], m[3], m[4], m[5]));
  }
  if ((m = REPEATING_RE.exec(text))) return signed(m[1], repeatingDecimal(m[2], m[3], m[4]));
  if ((m = MIXED_SLASH_RE.exec(text) ?? MIXED_FRAC_RE.exec(text))) {
    const whole = BigInt(m[2]);
    const den = BigInt(m[4]);
    // a mixed number's fraction is proper: "11 7/6" and "4 4/0" are not numbers
    if (den === 0n || BigInt(m[3]) >= den) return null;
    return signed(m[1], rational(whole * den + BigInt(m[3]), den));
  }
  return null;
}

function ratioOf(signA: string, a: string, signB: string, b: string): Rational | null {
  const x = unsignedValue(a);
  const y = unsignedValue(b);
  if (!x || !y || y.num === 0n) return null;
  const q = ratDiv(x, y);
  return (signA === '-') !== (signB === '-') ? ratNeg(q) : q;
}

/**
 * A plain numeric answer (already normalized: no `$`, `\left`, `\dfrac`, spaces collapsed), or null when
 * the text is not one of the plain forms. "50%" gives {value: 50, percent: true}.
 */
export function parseNumber(text: string): ParsedNumber | null {
  let t = text.trim();
  let percent = false;
  if (t.endsWith('%')) {
    percent = true;
    t = t.slice(0, -1).trimEnd();
  }
  if (t.length === 0 || t.length > 400) return null;
  const value = parseUnpercented(t);
  return value ? { value, percent } : null;
}

/** Both readings of a parsed number: the written value, and value/100 when it carries a % sign. */
export function numberReadings(n: ParsedNumber): Rational[] {
  return n.percent ? [n.value, ratDiv(n.value, rational(100n))] : [n.value];
}
