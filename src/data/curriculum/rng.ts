// Seeded randomness for the curriculum: the same seed gives the same problems in every browser and in Node,
// because everything below is 32-bit integer arithmetic (Math.imul, >>>), never Math.random.

export { Rng } from '../../util/random.ts';

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
