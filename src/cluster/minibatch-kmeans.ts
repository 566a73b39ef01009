// Mini-batch k-means (D. Sculley 2010, "Web-scale k-means clustering", WWW) for pools too large to hold or to
// cluster with full Lloyd iterations: each step draws a random batch of rows, assigns it to the nearest centroids
// and moves each centroid toward its batch rows with a per-centroid learning rate 1/count (so a centroid is the
// running mean of every row ever assigned to it). The rows come from a RowSource, so they may live in a file and
// never be in memory at once; only k centroids, one batch, and the final [n] assignments are held.
//
// Choices the paper leaves open, as options:
// - initialization: k-means++ plus a few Lloyd iterations (src/cluster/kmeans.ts) on a random sample of
//   `initSize` rows (as scikit-learn's MiniBatchKMeans seeds on init_size rows);
// - stopping: after `maxSteps` steps, or earlier when the smoothed batch inertia has not improved for `patience`
//   steps (scikit-learn's max_no_improvement rule);
// - dying centroids: every `reassignEvery` steps, a centroid whose count is below `reassignRatio` × the largest
//   count moves onto a random row of the current batch (scikit-learn's reassignment_ratio);
// - refinement: `refinePasses` full Lloyd passes over the source after the mini-batch phase (each one a sequential
//   read of every row), then the final assignment pass.
import { Rng } from '../util/random.ts';
import { assignNearest } from './assign.ts';
import { rowSquaredNorms } from './distances.ts';
import { kmeans } from './kmeans.ts';

/** Rows [n, dim] that can be read in any order, from memory or from a file. */
export interface RowSource {
  readonly n: number;
  readonly dim: number;
  /** copies the listed rows, in the order given, into out [rows.length, dim] */
  readRows(rows: Int32Array, out: Float32Array): void;
  /** copies rows [start, start + count) into out [count, dim] */
  readRange(start: number, count: number, out: Float32Array): void;
}

export interface MiniBatchOptions {
  k: number;
  seed: number;
  /** rows per step; default 4096 */
  batchSize?: number;
  /** most mini-batch steps; default 400 */
  maxSteps?: number;
  /** stop when the smoothed batch inertia has not improved for this many steps; default 30 (0: never) */
  patience?: number;
  /** rows of the k-means++ + Lloyd initialization sample; default max(3 · batchSize, 20 · k), at most n */
  initSize?: number;
  /** Lloyd iterations on the initialization sample; default 20 */
  initIterations?: number;
  reassignEvery?: number;
  /** default 0.01 */
  reassignRatio?: number;
  /** full Lloyd passes after the mini-batch phase; default 0 */
  refinePasses?: number;
  /** rows read at once in the full passes; default 8192 */
  chunkRows?: number;
  /** phase and fraction done, for progress bars */
  onProgress?: (phase: 'init' | 'steps' | 'refine' | 'assign', done: number, total: number) => void;
}

export interface MiniBatchResult {
  /** [k, dim] row-major */
  centroids: Float32Array;
  /** cluster of every row: [n] */
  assignments: Int32Array;
  /** rows per cluster: [k] */
  sizes: Int32Array;
  /** Σ ||x_i − c_{a(i)}||² over all n rows */
  inertia: number;
  steps: number;
  reassigned: number;
}

export function miniBatchKMeans(source: RowSource, options: MiniBatchOptions): MiniBatchResult {
  const { n, dim } = source;
  const { k, seed } = options;
  const batchSize = Math.min(options.batchSize ?? 4096, n);
  const maxSteps = options.maxSteps ?? 400;
  const patience = options.patience ?? 30;
  checkOptions(n, k, seed, batchSize, maxSteps);
  const rng = new Rng(seed);
  const centroids = initialCentroids(source, k, rng, options, batchSize);
  options.onProgress?.('init', 1, 1);

  const counts = new Float64Array(k);
  const batch = new Float32Array(batchSize * dim);
  const rows = new Int32Array(batchSize);
  const sums = new Float64Array(k * dim);
  const batchCounts = new Int32Array(k);
  let smoothed = Infinity;
  let best = Infinity;
  let sinceBest = 0;
  let reassigned = 0;
  let steps = 0;
  const reassignEvery = options.reassignEvery ?? 10;
  for (let step = 1; step <= maxSteps; step++) {
    for (let r = 0; r < batchSize; r++) rows[r] = rng.int(0, n - 1);
    rows.sort();
    source.readRows(rows, batch);
    const assignment = assignBlock(batch, batchSize, dim, centroids, k);
    // running means: c ← (c · v + Σ_batch x) / (v + m), the batch form of Sculley's per-row 1/v update
    sums.fill(0);
    batchCounts.fill(0);
    let batchInertia = 0;
    for (let r = 0; r < batchSize; r++) {
      const c = assignment.assignments[r];
      batchCounts[c]++;
      batchInertia += assignment.nearest[r];
      const o = r * dim;
      const s = c * dim;
      for (let d = 0; d < dim; d++) sums[s + d] += batch[o + d];
    }
    for (let c = 0; c < k; c++) {
      const m = batchCounts[c];
      if (m === 0) continue;
      const v = counts[c];
      const o = c * dim;
      for (let d = 0; d < dim; d++) centroids[o + d] = (centroids[o + d] * v + sums[o + d]) / (v + m);
      counts[c] = v + m;
    }
    if (reassignEvery > 0 && step % reassignEvery === 0) reassigned += reassignSmall(centroids, counts, batch, batchSize, dim, k, options.reassignRatio ?? 0.01, rng);
    steps = step;
    options.onProgress?.('steps', step, maxSteps);
    // exponentially weighted batch inertia per row (scikit-learn's convergence signal), weight ∝ batch share
    const perRow = batchInertia / batchSize;
    const alpha = Math.min(1, (2 * batchSize) / (n + 1));
    smoothed = smoothed === Infinity ? perRow : smoothed * (1 - alpha) + perRow * alpha;
    if (smoothed < best) {
      best = smoothed;
      sinceBest = 0;
    } else if (patience > 0 && ++sinceBest >= patience) break;
  }
  const refinePasses = options.refinePasses ?? 0;
  for (let pass = 0; pass < refinePasses; pass++) {
    const full = fullPass(source, centroids, k, options.chunkRows ?? 8192, true, (done) => options.onProgress?.('refine', pass * n + done, refinePasses * n));
    for (let c = 0; c < k; c++) {
      if (full.sizes[c] === 0) continue;
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = full.sums![c * dim + d] / full.sizes[c];
    }
  }
  const final = fullPass(source, centroids, k, options.chunkRows ?? 8192, false, (done) => options.onProgress?.('assign', done, n));
  return { centroids, assignments: final.assignments, sizes: final.sizes, inertia: final.inertia, steps, reassigned };
}

function checkOptions(n: number, k: number, seed: number, batchSize: number, maxSteps: number): void {
  if (n < 1) throw new Error('miniBatchKMeans: no rows to cluster (n = 0)');
  if (!Number.isInteger(k) || k < 1) throw new Error(`miniBatchKMeans: k must be a positive integer, got ${k}`);
  if (k > n) throw new Error(`miniBatchKMeans: k (${k}) is larger than the number of rows (${n})`);
  if (!Number.isInteger(seed)) throw new Error(`miniBatchKMeans: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`miniBatchKMeans: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new Error(`miniBatchKMeans: maxSteps must be a whole number, got ${maxSteps}`);
}

/** k-means++ and a few Lloyd iterations on a random sample of rows (distinct rows, in file order). */
function initialCentroids(source: RowSource, k: number, rng: Rng, options: MiniBatchOptions, batchSize: number): Float32Array {
  const { n, dim } = source;
  const size = Math.min(n, Math.max(k, options.initSize ?? Math.max(3 * batchSize, 20 * k)));
  const rows = sampleDistinct(n, size, rng);
  const sample = new Float32Array(size * dim);
  source.readRows(rows, sample);
  const fit = kmeans(sample, size, dim, { k, seed: rng.int(0, 2 ** 31 - 1), maxIter: options.initIterations ?? 20 });
  return fit.centroids;
}

/** `count` distinct integers in [0, n), ascending (Floyd's algorithm for small counts, a shuffle prefix otherwise). */
export function sampleDistinct(n: number, count: number, rng: Rng): Int32Array {
  if (count > n) throw new Error(`sampleDistinct: ${count} of ${n}`);
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = rng.int(0, j);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

function assignBlock(data: Float32Array, count: number, dim: number, centroids: Float32Array, k: number) {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return assignNearest(data, count, dim, rowSquaredNorms(data, count, dim), centroids, rowSquaredNorms(centroids, k, dim), k, rows, count);
}

/** Moves centroids with few rows onto random rows of the batch; their count restarts at the smallest kept count. */
function reassignSmall(centroids: Float32Array, counts: Float64Array, batch: Float32Array, batchSize: number, dim: number, k: number, ratio: number, rng: Rng): number {
  let most = 0;
  for (let c = 0; c < k; c++) most = Math.max(most, counts[c]);
  const floor = ratio * most;
  let kept = Infinity;
  for (let c = 0; c < k; c++) if (counts[c] >= floor) kept = Math.min(kept, counts[c]);
  let moved = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] >= floor) continue;
    const r = rng.int(0, batchSize - 1);
    centroids.set(batch.subarray(r * dim, r * dim + dim), c * dim);
    counts[c] = kept === Infinity ? 1 : kept;
    moved++;
  }
  return moved;
}

/** One sequential pass: every row's nearest centroid, the inertia, and (for a Lloyd step) per-cluster sums. */
function fullPass(source: RowSource, centroids: Float32Array, k: number, chunkRows: number, withSums: boolean, progress: (done: number) => void) {
  const { n, dim } = source;
  const assignments = new Int32Array(n);
  const sizes = new Int32Array(k);
  const sums = withSums ? new Float64Array(k * dim) : null;
  const chunk = new Float32Array(Math.min(chunkRows, n) * dim);
  let inertia = 0;
  for (let start = 0; start < n; start += chunkRows) {
    const count = Math.min(chunkRows, n - start);
    const view = chunk.subarray(0, count * dim);
    source.readRange(start, count, view);
    const a = assignBlock(view, count, dim, centroids, k);
    for (let r = 0; r < count; r++) {
      const c = a.assignments[r];
      assignments[start + r] = c;
      sizes[c]++;
      inertia += a.nearest[r];
      if (sums) for (let d = 0, o = r * dim, s = c * dim; d < dim; d++) sums[s + d] += view[o + d];
    }
    progress(start + count);
  }
  return { assignments, sizes, inertia, sums };
}

/** A RowSource over a matrix in memory: data [n, dim]. */
export function memoryRows(data: Float32Array, n: number, dim: number): RowSource {
  if (data.length !== n * dim) throw new Error(`memoryRows: data has ${data.length} values, expected ${n}*${dim}`);
  return {
    n,
    dim,
    readRows(rows, out) {
      for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r] * dim, rows[r] * dim + dim), r * dim);
    },
    readRange(start, count, out) {
      out.set(data.subarray(start * dim, (start + count) * dim));
    },
  };
}
