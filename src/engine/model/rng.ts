// A small seeded RNG per generated sequence, so a sequence's tokens depend only on
// (seed, prompt index, sample index) and not on which other sequences share its batch.
import { Rng } from '../../util/random.ts';

/** splitmix32-style mixing of a 32-bit integer (Steele et al. 2014's splitmix, 32-bit variant). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export { Rng };

/** The RNG of sample `sample` of prompt `prompt` under the user's `seed`. */
export function sequenceRng(seed: number, prompt: number, sample: number): Rng {
  return new Rng(mix32(mix32(mix32(seed >>> 0) ^ prompt) ^ Math.imul(sample + 1, 0x27d4eb2d)));
}
