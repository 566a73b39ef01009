// Seeded randomness for the whole project: mulberry32, in 32-bit integer arithmetic (Math.imul, >>>), so the same
// seed gives the same numbers in every browser and in Node. Never Math.random.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer (mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller, one sample per two uniforms). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new Error(`Rng.int: bad range [${lo}, ${hi}]`);
    const span = hi - lo + 1;
    // Two draws give 53 bits, so spans up to 2^53 stay (nearly) uniform.
    const r = (this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6);
    return lo + (r % span);
  }

  /** Integer with exactly `digits` decimal digits (1 digit: 1..9). */
  digits(digits: number): number {
    return this.int(digits === 1 ? 1 : 10 ** (digits - 1), 10 ** digits - 1);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** `k` distinct items in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new Error(`Rng.sample: ${k} of ${items.length} items`);
    const pool = [...items];
    for (let i = 0; i < k; i++) {
      const j = this.int(i, pool.length - 1);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** `n` seeded values uniform in [lo, hi). */
export function uniformArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng.next();
  return out;
}
