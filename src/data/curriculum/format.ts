// Canonical answer strings: integers plain ("-12"), fractions reduced ("3/4", "-7/2", never "4/1"),
// decimals without trailing zeros ("2.5", "0.04"). Decimals are carried as scaled integers so no
// floating-point rounding ever reaches an answer.

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return (Math.abs(a) / gcd(a, b)) * Math.abs(b);
}

/** A rational number n/d, d > 0, reduced. */
export interface Fraction {
  n: number;
  d: number;
}

export function fraction(n: number, d: number): Fraction {
  if (d === 0) throw new Error('fraction: zero denominator');
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) throw new Error(`fraction: ${n}/${d} is not a pair of safe integers`);
  const g = gcd(n, d) || 1;
  const sign = d < 0 ? -1 : 1;
  return { n: (sign * n) / g + 0, d: (sign * d) / g };
}

export function fractionText(f: Fraction): string {
  const r = fraction(f.n, f.d);
  return r.d === 1 ? String(r.n) : `${r.n}/${r.d}`;
}

/** The decimal `scaled / 10^places` as text, without trailing zeros (e.g. (250, 2) → "2.5"). */
export function decimalText(scaled: number, places: number): string {
  if (!Number.isSafeInteger(scaled)) throw new Error(`decimalText: ${scaled} is not a safe integer`);
  const sign = scaled < 0 ? '-' : '';
  const digits = String(Math.abs(scaled)).padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places).replace(/0+$/, '');
  return sign + whole + (frac ? `.${frac}` : '');
}

/** Money as text with two decimals, for question wording only (answers use decimalText). */
export function moneyText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `x` in an expression: negative numbers in parentheses. */
export function term(x: number): string {
  return x < 0 ? `(${x})` : String(x);
}
