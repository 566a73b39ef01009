// k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of Careful Seeding"): the first centre
// is a uniformly random row; each next one is a row drawn with probability ∝ D(x)², its squared distance to the
// nearest centre chosen so far. With `trials` > 1 this is the greedy variant (as in scikit-learn): draw that many
// candidates and keep the one that lowers Σ D(x)² the most.
//
// Speed-up (exact, from the triangle inequality, as in Elkan 2003): a row x whose nearest seed s satisfies
// ||c − s|| >= 2·D(x) cannot be closer to the new candidate c than to s, so its distance to c is never computed.
// On clustered data most rows are pruned after the first few seeds.
import type { Rng } from '../util/random.ts';
import { dotKernel, rowSquaredNorms, type DotKernel } from './distances.ts';

export interface SeedingOptions {
  /** candidates per centre (1: classic k-means++; scikit-learn uses 2 + ln k) */
  trials?: number;
  /** ||row||² of every row when the caller has them */
  rowNorms?: Float64Array;
  /** dot products over `data` (default: one made here, WebAssembly SIMD where available) */
  kernel?: DotKernel;
}

export interface Seeding {
  /** row indices of the k seeds, in the order they were chosen */
  seeds: Int32Array;
  /** index (into seeds) of every row's nearest seed: [n] (ties: the earlier seed) */
  nearest: Int32Array;
  /** squared distance of every row to it: [n] */
  distances: Float64Array;
}

/** k-means++ seeds of data [n, dim] and every row's nearest seed. Needs 1 <= k <= n. */
export function kmeansPlusPlus(data: Float32Array, n: number, dim: number, k: number, rng: Rng, options: SeedingOptions = {}): Seeding {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`k-means++: k must be an integer in [1, n = ${n}], got ${k}`);
  const trials = options.trials ?? 1;
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`k-means++: trials must be a positive integer, got ${trials}`);
  const norms = options.rowNorms ?? rowSquaredNorms(data, n, dim);
  const kernel = options.kernel ?? dotKernel(data, n, dim);
  const seeds = new Int32Array(k);
  const chosen = new Uint8Array(n);
  const nearest = new Int32Array(n);
  const distances = new Float64Array(n);
  seeds[0] = rng.int(0, n - 1);
  chosen[seeds[0]] = 1;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const first = distancesToCandidates(kernel, data, dim, norms, all, n, [seeds[0]]);
  distances.set(first[0]);
  const active = new Int32Array(n);
  for (let c = 1; c < k; c++) {
    const total = sum(distances);
    const candidates: number[] = [];
    for (let t = 0; t < trials; t++) candidates.push(total > 0 ? drawProportional(distances, total, rng) : drawUnchosen(chosen, n, rng));
    // rows that might be closer to some candidate than to their nearest seed
    const gaps = candidates.map((cand) => seedDistances(data, dim, cand, seeds, c));
    let count = 0;
    for (let i = 0; i < n; i++) {
      const reach = 2 * Math.sqrt(distances[i]);
      if (gaps.some((g) => g[nearest[i]] < reach)) active[count++] = i;
    }
    const rowsDistances = distancesToCandidates(kernel, data, dim, norms, active, count, candidates);
    let best = 0;
    if (trials > 1) {
      let bestPotential = Infinity;
      for (let t = 0; t < candidates.length; t++) {
        let gain = 0; // how much Σ D(x)² drops
        const dt = rowsDistances[t];
        for (let r = 0; r < count; r++) gain += Math.max(0, distances[active[r]] - dt[r]);
        const potential = total - gain;
        if (potential < bestPotential) {
          bestPotential = potential;
          best = t;
        }
      }
    }
    seeds[c] = candidates[best];
    chosen[seeds[c]] = 1;
    const db = rowsDistances[best];
    for (let r = 0; r < count; r++) {
      const i = active[r];
      if (db[r] < distances[i]) {
        distances[i] = db[r];
        nearest[i] = c;
      }
    }
  }
  return { seeds, nearest, distances };
}

/** ||x_candidate − x_seed|| for each of the first `count` seeds: [count]. */
function seedDistances(data: Float32Array, dim: number, candidate: number, seeds: Int32Array, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    let sq = 0;
    const a = candidate * dim;
    const b = seeds[s] * dim;
    for (let d = 0; d < dim; d++) {
      const t = data[a + d] - data[b + d];
      sq += t * t;
    }
    out[s] = Math.sqrt(sq);
  }
  return out;
}

/** Index i with probability weights[i] / total (weights >= 0, total their sum > 0). */
function drawProportional(weights: Float64Array, total: number, rng: Rng): number {
  const target = rng.next() * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    acc += weights[i];
    last = i;
    if (acc > target) return i;
  }
  return last; // rounding left target at the very end
}

/** Every row coincides with a seed (fewer distinct rows than k): a uniformly random row not yet chosen. */
function drawUnchosen(chosen: Uint8Array, n: number, rng: Rng): number {
  let free = 0;
  for (let i = 0; i < n; i++) free += chosen[i] ? 0 : 1;
  let target = rng.int(0, Math.max(free - 1, 0));
  for (let i = 0; i < n; i++) {
    if (chosen[i]) continue;
    if (target === 0) return i;
    target--;
  }
  return 0;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Squared distances of the listed rows to each candidate row: one [count] array per candidate. */
function distancesToCandidates(
  kernel: DotKernel,
  data: Float32Array,
  dim: number,
  norms: Float64Array,
  rows: Int32Array,
  count: number,
  candidates: number[],
): Float64Array[] {
  const m = candidates.length;
  const centres = new Float32Array(m * dim);
  candidates.forEach((row, t) => centres.set(data.subarray(row * dim, row * dim + dim), t * dim));
  const out = candidates.map(() => new Float64Array(count));
  const blockRows = 512;
  const dots = new Float64Array(blockRows * m);
  for (let start = 0; start < count; start += blockRows) {
    const size = Math.min(blockRows, count - start);
    kernel.dots(rows.subarray(start, start + size), size, centres, m, dots);
    for (let r = 0; r < size; r++) {
      const i = rows[start + r];
      for (let t = 0; t < m; t++) {
        const d2 = norms[i] + norms[candidates[t]] - 2 * dots[r * m + t];
        out[t][start + r] = d2 > 0 ? d2 : 0;
      }
    }
  }
  return out;
}
