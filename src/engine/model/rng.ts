// A small seeded RNG per generated sequence, so a sequence's tokens depend only on
// (seed, prompt index, sample index) and not on which other sequences share its batch.

/** splitmix32-style mixing of a 32-bit integer (Steele et al. 2014's splitmix, 32-bit variant). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32: a fast 32-bit generator, uniform in [0, 1). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** The RNG of sample `sample` of prompt `prompt` under the user's `seed`. */
export function sequenceRng(seed: number, prompt: number, sample: number): Rng {
  return new Rng(mix32(mix32(mix32(seed >>> 0) ^ prompt) ^ Math.imul(sample + 1, 0x27d4eb2d)));
}
