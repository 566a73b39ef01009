// The project's one seed mixer: derives independent 32-bit seeds for sub-streams (a layer, a module, a sample)
// from a seed and an index, in 32-bit integer arithmetic so every browser and Node agree.

/** splitmix32-style mixing of a 32-bit integer (Steele et al. 2014's splitmix, 32-bit variant). */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The seed of sub-stream `index` (0, 1, 2, ...) of `seed`. */
export function mixSeed(seed: number, index: number): number {
  return mix32(mix32(seed >>> 0) ^ Math.imul(index + 1, 0x27d4eb2d));
}
