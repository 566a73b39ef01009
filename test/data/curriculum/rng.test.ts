// The seeded generator: checked against a BigInt re-implementation of mulberry32 (so the 32-bit integer
// tricks give the same numbers everywhere), plus ranges and spread of the helpers.
import { describe, expect, it } from 'vitest';
import { hashString, mixSeed, Rng } from '../../../src/data/curriculum/rng.ts';

const M32 = (1n << 32n) - 1n;
const mul32 = (a: bigint, b: bigint) => (a * b) & M32;

/** mulberry32 (Tommy Ettinger) on BigInt, one 32-bit output per call. */
function* mulberryBig(seed: number): Generator<number> {
  let s = BigInt(seed >>> 0);
  for (;;) {
    s = (s + 0x6d2b79f5n) & M32;
    let t = s;
    t = mul32(t ^ (t >> 15n), t | 1n);
    t = (t ^ ((t + mul32(t ^ (t >> 7n), t | 61n)) & M32)) & M32;
    yield Number((t ^ (t >> 14n)) & M32);
  }
}

describe('Rng', () => {
  it('matches a BigInt mulberry32 for several seeds', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, -7]) {
      const rng = new Rng(seed);
      const ref = mulberryBig(seed);
      for (let i = 0; i < 1000; i++) expect(rng.nextUint32()).toBe(ref.next().value);
    }
  });

  it('int stays in range and hits every value; digits has the right length', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = rng.int(-3, 7);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect(seen.size).toBe(11);
    for (let d = 1; d <= 6; d++) expect(String(rng.digits(d))).toHaveLength(d);
    expect(() => rng.int(5, 4)).toThrow(/bad range/);
  });

  it('sample returns distinct items', () => {
    const rng = new Rng(8);
    const picked = rng.sample([1, 2, 3, 4, 5, 6], 4);
    expect(new Set(picked).size).toBe(4);
  });

  it('mixSeed and hashString spread neighbouring inputs', () => {
    const seeds = new Set(Array.from({ length: 10_000 }, (_, i) => mixSeed(1, i)));
    expect(seeds.size).toBe(10_000);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[hashString(`key${i}`) % 10]++;
    for (const b of buckets) expect(Math.abs(b - 1000)).toBeLessThan(150);
  });
});
