// Seeded randomness for the curriculum: the same seed gives the same problems in every browser and in Node,
// because everything below is 32-bit integer arithmetic (Math.imul, >>>), never Math.random.

/** A 32-bit seeded generator (mulberry32) with the helpers the generators need. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
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

  chance(p: number): boolean {
    return this.nextUint32() / 4294967296 < p;
  }
}

/** Mixes two 32-bit values into one well-spread 32-bit value (splitmix32-style finalizer). */
export function mixSeed(a: number, b: number): number {
  let z = (Math.imul(a >>> 0, 0x9e3779b9) ^ (b >>> 0)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units, finalized with mixSeed for better spread. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mixSeed(h >>> 0, text.length);
}
