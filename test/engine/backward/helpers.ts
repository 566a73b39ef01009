// Shared bits of the backward kernel tests.
import type { Runtime } from '../../../src/engine/runtime.ts';

/** A u32 storage buffer holding `values`. */
export function u32Buffer(rt: Runtime, values: ArrayLike<number>): GPUBuffer {
  const b = rt.buffer(Math.max(4, values.length * 4));
  rt.write(b, Uint32Array.from(values));
  return b;
}

/** max |a − b| / max |b|: the error relative to the size of the expected values. */
export function maxRelativeToScale(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
