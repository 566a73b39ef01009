// The reference of shaders/dropout.wgsl: the same PCG hash in 32-bit integer arithmetic.
import { dropoutThreshold } from '../kernels/dropout.ts';

function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** y = x · keep(seed, i) / (1 − p). */
export function dropoutRef(x: Float32Array, p: number, seed: number): Float32Array {
  const threshold = dropoutThreshold(p);
  const seedHash = pcg(seed >>> 0);
  return x.map((v, i) => (pcg((i ^ seedHash) >>> 0) >= threshold ? Math.fround(v * Math.fround(1 / (1 - p))) : 0));
}
