// Central finite differences for gradient checks of the f32 references.
// The forward references store f32 values (with f64 sums), so the step cannot be tiny: with eps = 1e-2
// the rounding of f32 outputs (≈ 6e-8 relative) divided by the step stays near 1e-5, and a Richardson
// step removes the O(eps²) truncation error. The step actually taken is (x+ − x−) as stored in f32.

export const FD_EPS = 1e-2;

/** One central difference (x[i] ± eps); restores x[i]. */
function centralStep(loss: () => number, x: Float32Array, i: number, eps: number): number {
  const saved = x[i];
  x[i] = saved + eps;
  const plus = x[i];
  const lp = loss();
  x[i] = saved - eps;
  const minus = x[i];
  const lm = loss();
  x[i] = saved;
  return (lp - lm) / (plus - minus);
}

/**
 * d loss / d x[i] by central differences with one Richardson step, (4·D(eps/2) − D(eps)) / 3, which
 * cancels the O(eps²) truncation term (strongly curved losses, such as a LoRA path with a large alpha/r,
 * otherwise leave ~1e-3 errors at eps = 1e-2).
 */
export function centralDifference(loss: () => number, x: Float32Array, i: number, eps = FD_EPS): number {
  return (4 * centralStep(loss, x, i, eps / 2) - centralStep(loss, x, i, eps)) / 3;
}

/** Up to `count` distinct indices of [0, n), spread evenly (deterministic). */
export function sampleIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * n) / count));
}

/** ‖got − want‖ / ‖want‖ over the given indices (all when omitted). */
export function relativeErrorByNorm(got: ArrayLike<number>, want: ArrayLike<number>, indices?: number[]): number {
  const idx = indices ?? Array.from({ length: want.length }, (_, i) => i);
  let diff = 0;
  let norm = 0;
  for (const i of idx) {
    diff += (got[i] - want[i]) ** 2;
    norm += want[i] ** 2;
  }
  if (norm === 0) return Math.sqrt(diff);
  return Math.sqrt(diff / norm);
}

/** Σ r·y in f64: a scalar loss whose gradient with respect to y is r. */
export function project(y: ArrayLike<number>, r: ArrayLike<number>): number {
  if (y.length !== r.length) throw new Error(`project: ${y.length} vs ${r.length} elements`);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

/**
 * The relative error (by norm) between an analytic gradient and central differences of `loss`
 * with respect to `x`, on up to `count` sampled entries.
 */
export function gradientCheck(loss: () => number, x: Float32Array, analytic: ArrayLike<number>, count = 64): number {
  if (analytic.length !== x.length) throw new Error(`gradientCheck: gradient has ${analytic.length} elements, input ${x.length}`);
  const idx = sampleIndices(x.length, count);
  const numeric = new Float64Array(x.length);
  for (const i of idx) numeric[i] = centralDifference(loss, x, i);
  return relativeErrorByNorm(analytic, numeric, idx);
}
