// K-means (Lloyd's iterations) with k-means++ seeding, accelerated with Hamerly's bounds (G. Hamerly 2010,
// "Making k-means even faster", SDM): each row keeps an upper bound u on the distance to its centroid and a lower
// bound l on the distance to every other centroid; a row whose u <= max(l, s(a)/2) (s: distance from its centroid
// to the nearest other centroid) cannot change cluster and is skipped. The result is the same as plain Lloyd's
// (up to ties); after the first pass most rows are skipped, so an iteration costs far less than n·k·dim.
import { Rng } from '../util/random.ts';
import { assignNearest, type Assignment } from './assign.ts';
import { dotKernel, rowSquaredNorms, type DotKernel, type KernelChoice } from './distances.ts';
import { inertia as inertiaOf } from './inertia.ts';
import { checkMatrix, gatherRows } from './matrix.ts';
import { kmeansPlusPlus } from './seeding.ts';

export interface KMeansOptions {
  k: number;
  seed: number;
  /** most Lloyd iterations (default 300) */
  maxIter?: number;
  /**
   * stop when Σ_j ||c_j(new) − c_j(old)||² <= tol · (mean per-column variance of the data) (scikit-learn's rule;
   * default 1e-4); iterations also stop as soon as no row changes cluster
   */
  tol?: number;
  /** independent seedings; the run with the lowest inertia is kept (default 1) */
  restarts?: number;
  /**
   * k-means++ candidates per centre (default 2 + ⌊ln k⌋, scikit-learn's greedy k-means++; 1 is the classic
   * algorithm, which lands in worse local optima more often; see seeding.ts)
   */
  seedTrials?: number;
  /** ||row||² of every row when the caller already has them */
  rowNorms?: Float64Array;
  /** called after each restart with (restarts done, restarts in all) */
  onRestart?: (done: number, total: number) => void;
  /** how dot products are computed (default 'auto': WebAssembly SIMD where available, else TypeScript) */
  kernel?: KernelChoice;
}

export interface KMeansResult {
  /** cluster of every row: [n], values in [0, k) */
  assignments: Int32Array;
  /** [k, dim] row-major */
  centroids: Float32Array;
  /** Σ ||x_i − c_{a(i)}||² */
  inertia: number;
  /** Lloyd iterations of the kept run */
  iterations: number;
  /** rows per cluster: [k]; a cluster is empty only when there are fewer distinct rows than k */
  sizes: Int32Array;
}

export function kmeans(data: Float32Array, n: number, dim: number, options: KMeansOptions): KMeansResult {
  checkMatrix('kmeans', data, n, dim);
  const { k, seed } = options;
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 1e-4;
  const restarts = options.restarts ?? 1;
  if (n < 1) throw new Error('kmeans: no rows to cluster (n = 0)');
  if (!Number.isInteger(k) || k < 1) throw new Error(`kmeans: k must be a positive integer, got ${k}`);
  if (k > n) throw new Error(`kmeans: k (${k}) is larger than the number of rows (${n})`);
  if (!Number.isInteger(seed)) throw new Error(`kmeans: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`kmeans: maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new Error(`kmeans: tol must be >= 0, got ${tol}`);
  if (!Number.isInteger(restarts) || restarts < 1) throw new Error(`kmeans: restarts must be a positive integer, got ${restarts}`);
  const rowNorms = options.rowNorms ?? rowSquaredNorms(data, n, dim);
  const kernel = dotKernel(data, n, dim, options.kernel ?? 'auto');
  const tolAbs = tol * meanColumnVariance(data, n, dim);
  const rng = new Rng(seed);
  let best: KMeansResult | null = null;
  for (let run = 0; run < restarts; run++) {
    const seeding = kmeansPlusPlus(data, n, dim, k, rng, { trials: options.seedTrials ?? defaultSeedTrials(k), rowNorms, kernel });
    const start: Assignment = { assignments: seeding.nearest, nearest: seeding.distances, second: new Float64Array(n) };
    const result = lloyd(data, n, dim, gatherRows(data, dim, seeding.seeds), k, rowNorms, maxIter, tolAbs, start, kernel);
    if (!best || result.inertia < best.inertia) best = result;
    options.onRestart?.(run + 1, restarts);
  }
  return best!;
}

/** scikit-learn's number of greedy k-means++ candidates per centre: 2 + ⌊ln k⌋. */
export function defaultSeedTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Mean over columns of each column's variance (scales `tol`). */
export function meanColumnVariance(data: Float32Array, n: number, dim: number): number {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const t = data[i * dim + d] - mean[d];
      total += t * t;
    }
  }
  return total / (n * dim);
}

/**
 * Lloyd's iterations from the initial centroids [k, dim], with Hamerly's bounds.
 * `start`, when given, is the rows' nearest initial centroid and the squared distance to it (what k-means++ already
 * knows); its `second` is ignored (the lower bounds start at 0, which the first iteration tightens). Without it the
 * first assignment computes every distance.
 */
export function lloyd(
  data: Float32Array,
  n: number,
  dim: number,
  initial: Float32Array,
  k: number,
  rowNorms: Float64Array,
  maxIter: number,
  tolAbs: number,
  start?: Assignment,
  kernel: DotKernel = dotKernel(data, n, dim),
): KMeansResult {
  const centroids = Float32Array.from(initial);
  let centroidNorms = rowSquaredNorms(centroids, k, dim);
  // u = distance to the assigned centroid, l = a lower bound on the distance to every other centroid
  const state: Assignment = start ?? assignNearest(data, n, dim, rowNorms, centroids, centroidNorms, k, undefined, undefined, undefined, kernel);
  const { assignments } = state;
  const upper = state.nearest;
  const lower = state.second;
  for (let i = 0; i < n; i++) {
    upper[i] = Math.sqrt(upper[i]);
    lower[i] = start ? 0 : Math.sqrt(lower[i]);
  }
  const sizes = new Int32Array(k);
  const sums = new Float64Array(k * dim);
  for (let i = 0; i < n; i++) addRow(data, i, dim, sums, assignments[i], 1, sizes);
  const moves = new Float64Array(k);
  const halfGap = new Float64Array(k);
  const recompute = new Int32Array(n);
  let iterations = 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    relocateEmpty(data, n, dim, assignments, upper, lower, k, sizes, sums);
    const shift = moveCentroids(centroids, k, dim, sizes, sums, moves);
    centroidNorms = rowSquaredNorms(centroids, k, dim);
    loosenBounds(assignments, upper, lower, moves, n, k);
    halfDistanceToNearestOther(centroids, k, dim, halfGap);
    const changed = reassign(data, n, dim, rowNorms, centroids, centroidNorms, k, state, halfGap, recompute, sums, sizes, kernel);
    if (changed === 0 || shift <= tolAbs) break;
  }
  sizes.fill(0);
  for (const a of assignments) sizes[a]++;
  return { assignments, centroids, inertia: inertiaOf(data, n, dim, centroids, assignments), iterations, sizes };
}

/** sums[j] += sign · x_i and sizes[j] += sign. */
function addRow(data: Float32Array, i: number, dim: number, sums: Float64Array, j: number, sign: 1 | -1, sizes: Int32Array): void {
  const o = j * dim;
  const x = i * dim;
  for (let d = 0; d < dim; d++) sums[o + d] += sign * data[x + d];
  sizes[j] += sign;
}

/**
 * An empty cluster takes the row farthest from its own centroid (by the current upper bound) from a cluster with
 * at least two rows, so no centroid is wasted; when every row sits on its centroid (fewer distinct rows than k) it
 * stays empty.
 */
function relocateEmpty(
  data: Float32Array,
  n: number,
  dim: number,
  assignments: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
  k: number,
  sizes: Int32Array,
  sums: Float64Array,
): void {
  for (let j = 0; j < k; j++) {
    if (sizes[j] > 0) continue;
    const far = farthestMovableRow(assignments, upper, sizes, n);
    if (far < 0) return;
    addRow(data, far, dim, sums, assignments[far], -1, sizes);
    addRow(data, far, dim, sums, j, 1, sizes);
    assignments[far] = j;
    upper[far] = 0;
    lower[far] = 0;
  }
}

/** Centroid = mean of its rows (an empty cluster's centroid stays put); moves[j] = how far it moved; returns Σ moves². */
function moveCentroids(centroids: Float32Array, k: number, dim: number, sizes: Int32Array, sums: Float64Array, moves: Float64Array): number {
  let shift = 0;
  for (let j = 0; j < k; j++) {
    if (sizes[j] === 0) {
      moves[j] = 0;
      continue;
    }
    let m2 = 0;
    for (let d = 0; d < dim; d++) {
      const before = centroids[j * dim + d];
      centroids[j * dim + d] = sums[j * dim + d] / sizes[j];
      const t = centroids[j * dim + d] - before; // the f32 value actually stored
      m2 += t * t;
    }
    moves[j] = Math.sqrt(m2);
    shift += m2;
  }
  return shift;
}
/** The row with the largest upper bound whose cluster keeps at least one other row; -1 if all bounds are 0. */
function farthestMovableRow(assignments: Int32Array, upper: Float64Array, sizes: Int32Array, n: number): number {
  let best = -1;
  let bestU = 0;
  for (let i = 0; i < n; i++) {
    if (upper[i] > bestU && sizes[assignments[i]] > 1) {
      bestU = upper[i];
      best = i;
    }
  }
  return best;
}

/** After the centroids move: u grows by its centroid's move, l shrinks by the largest move of any other centroid. */
function loosenBounds(assignments: Int32Array, upper: Float64Array, lower: Float64Array, moves: Float64Array, n: number, k: number): void {
  let first = -1;
  let max1 = 0;
  let max2 = 0;
  for (let j = 0; j < k; j++) {
    if (moves[j] > max1) {
      max2 = max1;
      max1 = moves[j];
      first = j;
    } else if (moves[j] > max2) max2 = moves[j];
  }
  for (let i = 0; i < n; i++) {
    const a = assignments[i];
    upper[i] += moves[a];
    lower[i] -= a === first ? max2 : max1;
  }
}

/** halfGap[j] = ½ · min over j' ≠ j of ||c_j − c_j'|| (Infinity when k = 1). */
function halfDistanceToNearestOther(centroids: Float32Array, k: number, dim: number, halfGap: Float64Array): void {
  halfGap.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const t = centroids[a * dim + d] - centroids[b * dim + d];
        s += t * t;
      }
      const half = Math.sqrt(s) / 2;
      if (half < halfGap[a]) halfGap[a] = half;
      if (half < halfGap[b]) halfGap[b] = half;
    }
  }
}

/**
 * Hamerly's assignment step: rows whose bounds prove they stay are skipped; for the others u is first tightened
 * to the exact distance, and only if that does not settle it are all k distances computed. Returns rows moved.
 */
function reassign(
  data: Float32Array,
  n: number,
  dim: number,
  rowNorms: Float64Array,
  centroids: Float32Array,
  centroidNorms: Float64Array,
  k: number,
  state: Assignment,
  halfGap: Float64Array,
  recompute: Int32Array,
  sums: Float64Array,
  sizes: Int32Array,
  kernel: DotKernel,
): number {
  const { assignments, nearest: upper, second: lower } = state;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = assignments[i];
    const bound = Math.max(halfGap[a], lower[i]);
    if (upper[i] <= bound) continue;
    upper[i] = Math.sqrt(exactSquaredDistance(data, i, centroids, a, dim, rowNorms, centroidNorms));
    if (upper[i] <= bound) continue;
    recompute[count++] = i;
  }
  if (count === 0) return 0;
  const before = new Int32Array(count);
  for (let r = 0; r < count; r++) before[r] = assignments[recompute[r]];
  assignNearest(data, n, dim, rowNorms, centroids, centroidNorms, k, recompute, count, state, kernel);
  let changed = 0;
  for (let r = 0; r < count; r++) {
    const i = recompute[r];
    upper[i] = Math.sqrt(upper[i]);
    lower[i] = Math.sqrt(lower[i]);
    if (assignments[i] !== before[r]) {
      changed++;
      addRow(data, i, dim, sums, before[r], -1, sizes);
      addRow(data, i, dim, sums, assignments[i], 1, sizes);
    }
  }
  return changed;
}

/** ||x_i − c_j||² in the expanded form (the same arithmetic as the blocked pass, so bounds and passes agree). */
function exactSquaredDistance(
  data: Float32Array,
  i: number,
  centroids: Float32Array,
  j: number,
  dim: number,
  rowNorms: Float64Array,
  centroidNorms: Float64Array,
): number {
  let dot = 0;
  const x = i * dim;
  const c = j * dim;
  for (let d = 0; d < dim; d++) dot += data[x + d] * centroids[c + d];
  const d2 = rowNorms[i] + centroidNorms[j] - 2 * dot;
  return d2 > 0 ? d2 : 0;
}
