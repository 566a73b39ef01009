// Exact rationals on BigInt, written independently of src/data/curriculum/format.ts, for re-checking answers.
export class Q {
  readonly n: bigint;
  readonly d: bigint;

  constructor(n: bigint | number, d: bigint | number = 1n) {
    let nn = BigInt(n);
    let dd = BigInt(d);
    if (dd === 0n) throw new Error('Q: zero denominator');
    if (dd < 0n) [nn, dd] = [-nn, -dd];
    const g = bigGcd(nn < 0n ? -nn : nn, dd);
    this.n = g === 0n ? 0n : nn / g;
    this.d = g === 0n ? 1n : dd / g;
  }

  add(o: Q): Q { return new Q(this.n * o.d + o.n * this.d, this.d * o.d); }
  sub(o: Q): Q { return new Q(this.n * o.d - o.n * this.d, this.d * o.d); }
  mul(o: Q): Q { return new Q(this.n * o.n, this.d * o.d); }
  div(o: Q): Q { return new Q(this.n * o.d, this.d * o.n); }
  eq(o: Q): boolean { return this.n === o.n && this.d === o.d; }
  toString(): string { return this.d === 1n ? `${this.n}` : `${this.n}/${this.d}`; }

  /** Parses "12", "-3/4", "2.05" (also "(−5)" with brackets). */
  static parse(text: string): Q {
    const t = text.replace(/^\((.*)\)$/, '$1');
    let m = /^(-?\d+)\/(\d+)$/.exec(t);
    if (m) return new Q(BigInt(m[1]), BigInt(m[2]));
    m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
    if (!m) throw new Error(`Q.parse: "${text}" is not a number`);
    const frac = m[3] ?? '';
    const v = new Q(BigInt(m[2] + frac), 10n ** BigInt(frac.length));
    return m[1] ? new Q(-v.n, v.d) : v;
  }
}

export const q = (n: number, d = 1) => new Q(BigInt(n), BigInt(d));

function bigGcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Integers in a text, in order ("-3" only when the minus sign is attached). */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}
