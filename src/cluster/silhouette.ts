// Silhouette score (P. J. Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and validation of
// cluster analysis"), with Euclidean distances: for row i in cluster A, a(i) = mean distance to the other rows of A,
// b(i) = the smallest mean distance to the rows of another cluster, s(i) = (b − a) / max(a, b); s(i) = 0 for a row
// alone in its cluster (scikit-learn's convention). The score is the mean of s(i).
import { dotKernel, squaredDistances, rowSquaredNorms } from './distances.ts';
import { allRows } from './matrix.ts';

/** Pairwise Euclidean distances of data [m, dim]: [m, m] (f32, symmetric, zero diagonal). */
export function pairwiseDistances(data: Float32Array, m: number, dim: number): Float32Array {
  const norms = rowSquaredNorms(data, m, dim);
  const out = new Float32Array(m * m);
  const blockRows = 64;
  const block = new Float64Array(blockRows * m);
  const rows = allRows(m);
  const kernel = dotKernel(data, m, dim);
  for (let start = 0; start < m; start += blockRows) {
    const size = Math.min(blockRows, m - start);
    squaredDistances(kernel, norms, rows.subarray(start, start + size), size, data, norms, m, block);
    for (let r = 0; r < size; r++) {
      for (let j = 0; j < m; j++) out[(start + r) * m + j] = start + r === j ? 0 : Math.sqrt(block[r * m + j]);
    }
  }
  return out;
}

/** Mean silhouette of the labels [m] (values in [0, k)) given pairwise distances [m, m]; needs 2 <= clusters used. */
export function silhouetteScore(distances: Float32Array, m: number, labels: Int32Array, k: number): number {
  const sizes = new Int32Array(k);
  for (let i = 0; i < m; i++) sizes[labels[i]]++;
  let used = 0;
  for (const s of sizes) used += s > 0 ? 1 : 0;
  if (used < 2) throw new Error(`silhouette: needs at least 2 non-empty clusters, got ${used}`);
  const perCluster = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < m; i++) {
    const own = labels[i];
    if (sizes[own] === 1) continue; // s(i) = 0
    perCluster.fill(0);
    const o = i * m;
    for (let j = 0; j < m; j++) perCluster[labels[j]] += distances[o + j];
    const a = perCluster[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, perCluster[c] / sizes[c]);
    const denom = Math.max(a, b);
    total += denom > 0 ? (b - a) / denom : 0;
  }
  return total / m;
}
