// One GPU runtime per test file, on whatever adapter acquireGpu() finds (lavapipe here).
import { acquireGpu } from '../../src/engine/gpu.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { uniformArray } from '../../src/util/random.ts';

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

/** Seeded uniform random numbers in [lo, hi). */
export const randomArray = uniformArray;
