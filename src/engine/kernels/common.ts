// Small helpers shared by the kernel wrappers: uniform packing, 1-D grids that respect
// maxComputeWorkgroupsPerDimension, shape checks and a placeholder buffer for unused bindings.
import { numel, type Runtime, type Tensor } from '../runtime.ts';

/**
 * Packs a WGSL params struct whose fields are all 4 bytes: `u32` fields are given as plain numbers,
 * `f32` fields wrapped as `{ f32: x }`, in declaration order.
 */
export function packParams(fields: (number | { f32: number })[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(buf);
  fields.forEach((f, i) => {
    if (typeof f === 'number') {
      if (!Number.isInteger(f) || f < 0 || f > 0xffffffff) throw new Error(`params field ${i}: ${f} is not a u32`);
      view.setUint32(i * 4, f, true);
    } else view.setFloat32(i * 4, f.f32, true);
  });
  return buf;
}

/**
 * Workgroups for `n` invocations of `size` threads: [x, y] with x ≤ the device limit.
 * Shaders recover the flat index as `wid.x + wid.y * nwg.x` (workgroup) — see `flatIndex` in the WGSL files.
 */
export function grid1d(rt: Runtime, n: number, size: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  const max = rt.gpu.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [groups, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/** Throws a clear error when `t` does not have `expected` elements. */
export function expectNumel(what: string, t: Tensor, expected: number): void {
  const n = numel(t.shape);
  if (n !== expected) throw new Error(`${what}: expected ${expected} elements, got shape [${t.shape.join(', ')}]`);
}

/** Throws a clear error when `t` has fewer than `expected` elements. */
export function expectAtLeast(what: string, t: Tensor, expected: number): void {
  const n = numel(t.shape);
  if (n < expected) throw new Error(`${what}: expected at least ${expected} elements, got shape [${t.shape.join(', ')}]`);
}

/** Throws when the byte size of `buffer` is below `bytes`. */
export function expectBytes(what: string, buffer: GPUBuffer, bytes: number): void {
  if (buffer.size < bytes) throw new Error(`${what}: buffer of ${buffer.size} bytes, need at least ${bytes}`);
}

const placeholders = new WeakMap<Runtime, GPUBuffer>();

/** A 16-byte buffer bound where a kernel's optional input (e.g. a bias) is absent. */
export function placeholder(rt: Runtime): GPUBuffer {
  let b = placeholders.get(rt);
  if (!b) {
    b = rt.device.createBuffer({ size: 16, usage: 0x80 | 0x08 | 0x04 });
    placeholders.set(rt, b);
  }
  return b;
}

/** The output tensor: `out` when given (checked), otherwise a fresh one from the pool. */
export function outputTensor(rt: Runtime, what: string, shape: number[], out?: Tensor): Tensor {
  if (!out) return rt.tensor(shape);
  expectNumel(what, out, numel(shape));
  return out;
}

/** A dispatch cannot bind one buffer both read-only and read-write: throw a clear error instead of a validation failure. */
export function expectNoAlias(what: string, out: Tensor, ...inputs: (Tensor | GPUBuffer | undefined)[]): void {
  for (const input of inputs) {
    if (!input) continue;
    const buffer = 'shape' in input ? input.buffer : input;
    if (buffer === out.buffer) throw new Error(`${what}: the output must not share a buffer with an input`);
  }
}
