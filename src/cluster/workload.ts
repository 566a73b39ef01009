// The clustering benchmark's workload, shared by the Node and the Chromium rows of bench/cluster.ts so both time
// the same code on the same data: a seeded Gaussian mixture of `k` directions (unit rows, like a sentence
// embedder's), K-means with k-means++ seeding, and optionally the PCA projection and the silhouette search.
import { adjustedRandIndex } from './ari.ts';
import { chooseK } from './choose-k.ts';
import { kmeans } from './kmeans.ts';
import { pca2 } from './pca.ts';
import { gaussianMixture } from './synthetic.ts';

export interface ClusteringWorkload {
  n: number;
  dim: number;
  k: number;
  seed: number;
  /** mixture noise (see gaussianMixture; default 1: neighbouring groups overlap a little) */
  noise?: number;
  /** also time pca2 over all rows */
  pca?: boolean;
  /** also time chooseK over [2, kMax] on its default 2000-row sample */
  chooseKMax?: number;
}

export interface ClusteringTimings {
  kmeansMs: number;
  iterations: number;
  /** agreement with the mixture's own groups */
  ari: number;
  pcaMs: number | null;
  chooseKMs: number | null;
  chosenK: number | null;
}

export function timeClustering(w: ClusteringWorkload): ClusteringTimings {
  const { data, labels } = gaussianMixture(w.n, w.dim, w.k, w.seed, w.noise ?? 1);
  let start = performance.now();
  const fit = kmeans(data, w.n, w.dim, { k: w.k, seed: w.seed });
  const kmeansMs = performance.now() - start;
  let pcaMs: number | null = null;
  if (w.pca) {
    start = performance.now();
    pca2(data, w.n, w.dim);
    pcaMs = performance.now() - start;
  }
  let chooseKMs: number | null = null;
  let chosenK: number | null = null;
  if (w.chooseKMax) {
    start = performance.now();
    chosenK = chooseK(data, w.n, w.dim, { kMin: 2, kMax: w.chooseKMax, seed: w.seed }).k;
    chooseKMs = performance.now() - start;
  }
  return { kmeansMs, iterations: fit.iterations, ari: adjustedRandIndex(fit.assignments, labels), pcaMs, chooseKMs, chosenK };
}
