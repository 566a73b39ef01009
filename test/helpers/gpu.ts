// One GPU runtime per test file, on whatever adapter acquireGpu() finds (lavapipe here).
import { acquireGpu } from '../../src/engine/gpu.ts';
import { Runtime } from '../../src/engine/runtime.ts';

let shared: Promise<Runtime> | null = null;

export function testRuntime(): Promise<Runtime> {
  shared ??= acquireGpu().then((gpu) => new Runtime(gpu));
  return shared;
}

/** Max absolute difference between two arrays; fails loudly on length mismatch or NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Seeded uniform random numbers in [lo, hi) (mulberry32). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}
