// Choosing k by silhouette: for each k in [kMin, kMax], k-means on a seeded sample of the rows (all rows when
// n <= sampleSize) and the silhouette of that clustering on the same sample; the k with the highest score wins
// (ties: the smaller k). Fitting on the sample keeps the search affordable for large pools: 100,000 rows and 29
// candidate k would otherwise cost 29 full k-means runs; the final clustering (clusterPool) uses every row.
import { Rng } from '../util/random.ts';
import { countDistinctRows } from './distinct.ts';
import { kmeans } from './kmeans.ts';
import { checkMatrix, gatherRows } from './matrix.ts';
import { pairwiseDistances, silhouetteScore } from './silhouette.ts';

export interface ChooseKOptions {
  kMin: number;
  kMax: number;
  seed: number;
  /** rows scored (and fitted) at most (default 2000); the silhouette costs sampleSize² distances */
  sampleSize?: number;
  /** k-means restarts per candidate k (default 1) */
  restarts?: number;
  /** called after each candidate k with (candidates done, candidates in all) */
  onCandidate?: (done: number, total: number) => void;
}

export interface ChooseKResult {
  /** the chosen k; 1 when the sample has fewer than 3 rows or fewer than 2 distinct rows */
  k: number;
  /** silhouette per candidate k tried, in increasing k */
  scores: { k: number; silhouette: number }[];
  /** rows in the sample */
  sampleSize: number;
  /** the range actually searched, after clamping kMax to the sample's distinct rows and size − 1 */
  range: [number, number] | null;
}

export function chooseK(data: Float32Array, n: number, dim: number, options: ChooseKOptions): ChooseKResult {
  checkMatrix('chooseK', data, n, dim);
  const { kMin, kMax, seed } = options;
  const sampleSize = options.sampleSize ?? 2000;
  if (!Number.isInteger(kMin) || kMin < 1) throw new Error(`chooseK: kMin must be a positive integer, got ${kMin}`);
  if (!Number.isInteger(kMax) || kMax < kMin) throw new Error(`chooseK: kMax must be an integer >= kMin (${kMin}), got ${kMax}`);
  if (!Number.isInteger(sampleSize) || sampleSize < 3) throw new Error(`chooseK: sampleSize must be an integer >= 3, got ${sampleSize}`);
  if (!Number.isInteger(seed)) throw new Error(`chooseK: seed must be an integer, got ${seed}`);
  const rng = new Rng(seed);
  const m = Math.min(n, sampleSize);
  const sample = m === n ? data : gatherRows(data, dim, sampleRows(n, m, rng));
  // silhouette needs 2 <= k <= m − 1, and k-means cannot use more clusters than there are distinct rows
  const hi = Math.min(kMax, m - 1, countDistinctRows(sample, m, dim, kMax));
  const lo = Math.max(2, Math.min(kMin, hi));
  if (hi < 2) return { k: 1, scores: [], sampleSize: m, range: null };
  const distances = pairwiseDistances(sample, m, dim);
  const scores: { k: number; silhouette: number }[] = [];
  for (let k = lo; k <= hi; k++) {
    const fit = kmeans(sample, m, dim, { k, seed: rng.nextUint32(), restarts: options.restarts });
    scores.push({ k, silhouette: silhouetteScore(distances, m, fit.assignments, k) });
    options.onCandidate?.(k - lo + 1, hi - lo + 1);
  }
  let best = scores[0];
  for (const s of scores) if (s.silhouette > best.silhouette) best = s;
  return { k: best.k, scores, sampleSize: m, range: [lo, hi] };
}

/** m distinct row indices in increasing order (partial Fisher–Yates over 0..n-1). */
export function sampleRows(n: number, m: number, rng: Rng): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = rng.int(i, n - 1);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, m).sort();
}
