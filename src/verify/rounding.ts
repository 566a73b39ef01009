// A decimal against an exact value: "2.6667" equals 8/3 because it is 8/3 correctly rounded to the four
// decimals it gives, and it gives at least MIN_SIGNIFICANT_DIGITS significant digits. So "0.3333" equals 1/3
// but "0.333" does not (three digits could be a different answer rounded), and "3.1416" equals \pi.
// The exact side must not itself be a written decimal: 3.14159 and 3.1416 are two different decimals.

export const MIN_SIGNIFICANT_DIGITS = 4;

export interface RoundedDecimal {
  value: number;
  /** half a unit in the last written place: the largest error of a correct rounding */
  halfUnit: number;
  significant: number;
}

const DECIMAL_RE = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)$/;

/** A decimal literal with a decimal point ("-2.6667", "16,386.17"), or null. */
export function roundedDecimal(text: string): RoundedDecimal | null {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const intPart = m[2].replace(/,/g, '');
  const digits = (intPart + m[3]).replace(/^0+/, '');
  const value = Number(`${m[1]}${intPart}.${m[3]}`);
  if (!Number.isFinite(value)) return null;
  return { value, halfUnit: 0.5 * 10 ** -m[3].length, significant: digits.length };
}

/** Whether `exact` rounded to the places of `decimal` gives `decimal` (with a hair of float slack). */
export function isCorrectRounding(decimal: RoundedDecimal, exact: number): boolean {
  if (!Number.isFinite(exact) || decimal.significant < MIN_SIGNIFICANT_DIGITS) return false;
  const error = Math.abs(exact - decimal.value);
  return error <= decimal.halfUnit * (1 + 1e-9) + Math.abs(exact) * 1e-15;
}
