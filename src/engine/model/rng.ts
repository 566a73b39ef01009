// A small seeded RNG per generated sequence, so a sequence's tokens depend only on
// (seed, prompt index, sample index) and not on which other sequences share its batch.
import { mix32, mixSeed } from '../../util/mix-seed.ts';
import { Rng } from '../../util/random.ts';

export { Rng };

/** The RNG of sample `sample` of prompt `prompt` under the user's `seed`. */
export function sequenceRng(seed: number, prompt: number, sample: number): Rng {
  return new Rng(mixSeed(mix32(seed >>> 0) ^ prompt, sample));
}
