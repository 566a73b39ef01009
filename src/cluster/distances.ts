// Squared Euclidean distances between rows and centroids in the blocked form
//   ||x - c||² = ||x||² + ||c||² − 2 x·c
// so the work is one dot product per (row, centroid) pair. The dot products are register-blocked, 2 rows × 4
// centroids per inner loop (8 independent accumulators; each loaded value is used 2 or 4 times), which runs about
// twice as fast in V8 as one dot product at a time. Accumulation is in f64 (JS numbers), so the cancellation in
// the expanded form costs ~1e-16 relative to ||x||², not f32's 1e-7.
//
// This TypeScript version is the reference; where WebAssembly SIMD exists, the same dot products run in f32x4
// (wasm-dots.ts), 3–7x faster on the development machine. A DotKernel holds one matrix's rows and computes their dot
// products with any centroids by either route.
import { WasmDots } from './wasm-dots.ts';

/** How dot products are computed: 'auto' takes WebAssembly SIMD where it exists. */
export type KernelChoice = 'auto' | 'js' | 'wasm-simd';

export interface DotKernel {
  readonly kind: 'js' | 'wasm-simd';
  /** out[r*k + j] = data[rows[r]] · centroids[j] for r < count, j < k (centroids: [k, dim]; out: [count, k]) */
  dots(rows: Int32Array, count: number, centroids: Float32Array, k: number, out: Float64Array): void;
}

/** A kernel over data [n, dim]; the wasm route copies the rows once, so keep the kernel for repeated passes. */
export function dotKernel(data: Float32Array, n: number, dim: number, choice: KernelChoice = 'auto'): DotKernel {
  if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm-simd') throw new Error(`dot kernel: choice must be "auto", "js" or "wasm-simd", got "${String(choice)}"`);
  if (choice !== 'js') {
    const wasm = WasmDots.create(data, n, dim);
    if (wasm) return { kind: 'wasm-simd', dots: (rows, count, centroids, k, out) => wasm.dots(rows, count, centroids, k, out) };
    if (choice === 'wasm-simd') throw new Error('dot kernel: WebAssembly SIMD is not available here (or not enough memory for the rows)');
  }
  return { kind: 'js', dots: (rows, count, centroids, k, out) => dotProducts(data, dim, rows, count, centroids, k, out) };
}

/** ||row||² of every row of data [n, dim], in f64. */
export function rowSquaredNorms(data: Float32Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dim;
    for (let d = 0; d < dim; d++) s += data[o + d] * data[o + d];
    out[i] = s;
  }
  return out;
}

/**
 * out[r*k + j] = data[rows[r]] · centroids[j] for r < count, j < k.
 * data: [*, dim]; rows: row indices (count of them are used); centroids: [k, dim]; out: [count, k] (at least).
 */
export function dotProducts(
  data: Float32Array,
  dim: number,
  rows: Int32Array,
  count: number,
  centroids: Float32Array,
  k: number,
  out: Float64Array,
): void {
  let r = 0;
  for (; r + 1 < count; r += 2) {
    const xa = rows[r] * dim;
    const xb = rows[r + 1] * dim;
    const oa = r * k;
    const ob = oa + k;
    let j = 0;
    for (; j + 3 < k; j += 4) {
      const c0 = j * dim;
      const c1 = c0 + dim;
      const c2 = c1 + dim;
      const c3 = c2 + dim;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let d = 0; d < dim; d++) {
        const p = data[xa + d];
        const q = data[xb + d];
        const u = centroids[c0 + d];
        const v = centroids[c1 + d];
        const w = centroids[c2 + d];
        const z = centroids[c3 + d];
        a0 += p * u; a1 += p * v; a2 += p * w; a3 += p * z;
        b0 += q * u; b1 += q * v; b2 += q * w; b3 += q * z;
      }
      out[oa + j] = a0; out[oa + j + 1] = a1; out[oa + j + 2] = a2; out[oa + j + 3] = a3;
      out[ob + j] = b0; out[ob + j + 1] = b1; out[ob + j + 2] = b2; out[ob + j + 3] = b3;
    }
    for (; j < k; j++) {
      const c0 = j * dim;
      let a0 = 0, b0 = 0;
      for (let d = 0; d < dim; d++) {
        const u = centroids[c0 + d];
        a0 += data[xa + d] * u;
        b0 += data[xb + d] * u;
      }
      out[oa + j] = a0;
      out[ob + j] = b0;
    }
  }
  if (r < count) {
    const xa = rows[r] * dim;
    const oa = r * k;
    for (let j = 0; j < k; j++) {
      const c0 = j * dim;
      let a0 = 0, a1 = 0;
      let d = 0;
      for (; d + 1 < dim; d += 2) {
        a0 += data[xa + d] * centroids[c0 + d];
        a1 += data[xa + d + 1] * centroids[c0 + d + 1];
      }
      if (d < dim) a0 += data[xa + d] * centroids[c0 + d];
      out[oa + j] = a0 + a1;
    }
  }
}

/**
 * Squared distances of the listed rows to every centroid, out: [count, k], clamped at 0 (the expanded form can
 * dip a hair below 0 for a row that equals a centroid).
 */
export function squaredDistances(
  kernel: DotKernel,
  rowNorms: Float64Array,
  rows: Int32Array,
  count: number,
  centroids: Float32Array,
  centroidNorms: Float64Array,
  k: number,
  out: Float64Array,
): void {
  kernel.dots(rows, count, centroids, k, out);
  for (let r = 0; r < count; r++) {
    const xn = rowNorms[rows[r]];
    const o = r * k;
    for (let j = 0; j < k; j++) {
      const d2 = xn + centroidNorms[j] - 2 * out[o + j];
      out[o + j] = d2 > 0 ? d2 : 0;
    }
  }
}

/** Exact ||a - b||² of row i of `a` and row j of `b` (both [*, dim]), by differences. */
export function squaredDistanceBetween(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  const ao = i * dim;
  const bo = j * dim;
  for (let d = 0; d < dim; d++) {
    const t = a[ao + d] - b[bo + d];
    s += t * t;
  }
  return s;
}
