// A 2-D projection for plots: principal component analysis (Pearson 1901) of data [n, dim].
// The covariance is estimated from at most `maxRows` rows taken at an even stride (every row when n <= maxRows),
// so the cost stays bounded for large pools (dim² · maxRows multiply-adds); its top two eigenvectors are found
// by power iteration with deflation, and every row is projected. Each component's sign is fixed so that its dot
// product with the ramp (1, 2, ..., dim) is positive (the largest-magnitude entry decides when that dot is ~0): the
// same data always gives the same picture, and a sign rule on a single entry would flip between near-equal entries.
import { dotKernel } from './distances.ts';
import { allRows, checkMatrix } from './matrix.ts';

export interface PcaOptions {
  /** rows the covariance is estimated from (default 10000) */
  maxRows?: number;
}

export interface Pca2Result {
  /** [n, 2] row-major: each row's coordinates along the two components */
  projection: Float32Array;
  /** [2, dim]: the unit components (a zero vector when the data has no variance in that direction) */
  components: Float64Array;
  /** variance along each component */
  variances: [number, number];
}

/** [n, 2] projection of the centred rows onto the top two principal components. */
export function pca2(data: Float32Array, n: number, dim: number, options: PcaOptions = {}): Float32Array {
  return pca2Full(data, n, dim, options).projection;
}

export function pca2Full(data: Float32Array, n: number, dim: number, options: PcaOptions = {}): Pca2Result {
  checkMatrix('pca2', data, n, dim);
  const maxRows = options.maxRows ?? 10000;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new Error(`pca2: maxRows must be a positive integer, got ${maxRows}`);
  const projection = new Float32Array(n * 2);
  const components = new Float64Array(2 * dim);
  if (n === 0) return { projection, components, variances: [0, 0] };
  const mean = columnMeans(data, n, dim);
  const cov = covariance(data, n, dim, mean, maxRows);
  const variances: [number, number] = [0, 0];
  for (let c = 0; c < 2; c++) {
    const { vector, value } = topEigenvector(cov, dim);
    if (value <= 0) break; // no variance left: the component stays zero
    fixSign(vector);
    components.set(vector, c * dim);
    variances[c] = value;
    deflate(cov, dim, vector, value);
  }
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (data[i * dim + d] - mean[d]) * components[c * dim + d];
      projection[i * 2 + c] = s;
    }
  }
  return { projection, components, variances };
}

function columnMeans(data: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  return mean;
}

/**
 * Sample covariance [dim, dim] (divided by the rows used) of rows 0, s, 2s, ... with s = ceil(n / maxRows): the
 * centred rows are transposed to T [dim, rows] and cov[a][b] = T_a · T_b / rows through the dot-product kernel
 * (WebAssembly SIMD where available), then symmetrized.
 */
function covariance(data: Float32Array, n: number, dim: number, mean: Float64Array, maxRows: number): Float64Array {
  const stride = Math.ceil(n / maxRows);
  const used = Math.ceil(n / stride);
  const t = new Float32Array(dim * used);
  for (let r = 0; r < used; r++) {
    const i = r * stride;
    for (let d = 0; d < dim; d++) t[d * used + r] = data[i * dim + d] - mean[d];
  }
  const cov = new Float64Array(dim * dim);
  dotKernel(t, dim, used).dots(allRows(dim), dim, t, dim, cov);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = (cov[a * dim + b] + cov[b * dim + a]) / (2 * used);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  }
  return cov;
}

/**
 * Largest eigenpair of the symmetric positive semi-definite matrix m [dim, dim] by power iteration from a fixed
 * start (all ones plus a ramp, so it is not orthogonal to a structured eigenvector by accident), until the
 * Rayleigh quotient settles to 1e-12 relative or 1000 iterations.
 */
function topEigenvector(m: Float64Array, dim: number): { vector: Float64Array; value: number } {
  let v = new Float64Array(dim);
  for (let d = 0; d < dim; d++) v[d] = 1 + d / dim;
  normalize(v);
  let w = new Float64Array(dim);
  let value = 0;
  for (let iter = 0; iter < 1000; iter++) {
    multiply(m, dim, v, w);
    const next = dot(v, w);
    const norm = Math.sqrt(dot(w, w));
    if (norm === 0) return { vector: v, value: 0 };
    for (let d = 0; d < dim; d++) w[d] /= norm;
    [v, w] = [w, v];
    if (Math.abs(next - value) <= 1e-12 * Math.abs(next)) {
      value = next;
      break;
    }
    value = next;
  }
  return { vector: v, value };
}

/** m ← m − λ v vᵀ, removing the found component so the next power iteration finds the one after it. */
function deflate(m: Float64Array, dim: number, v: Float64Array, value: number): void {
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) m[a * dim + b] -= value * v[a] * v[b];
}

function fixSign(v: Float64Array): void {
  let ramp = 0;
  for (let d = 0; d < v.length; d++) ramp += (d + 1) * v[d];
  let at = 0;
  for (let d = 1; d < v.length; d++) if (Math.abs(v[d]) > Math.abs(v[at])) at = d;
  const negative = Math.abs(ramp) > 1e-9 ? ramp < 0 : v[at] < 0;
  if (negative) for (let d = 0; d < v.length; d++) v[d] = -v[d];
}

function multiply(m: Float64Array, dim: number, v: Float64Array, out: Float64Array): void {
  for (let a = 0; a < dim; a++) {
    let s = 0;
    for (let b = 0; b < dim; b++) s += m[a * dim + b] * v[b];
    out[a] = s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalize(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, v));
  for (let d = 0; d < v.length; d++) v[d] /= norm;
}
