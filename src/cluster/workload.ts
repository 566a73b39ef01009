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
  /** CPU milliseconds of each phase, when a CPU clock was given (Node: process.cpuUsage) */
  cpuMs: { kmeans: number; pca: number | null; chooseK: number | null } | null;
  iterations: number;
  /** agreement with the mixture's own groups */
  ari: number;
  pcaMs: number | null;
  chooseKMs: number | null;
  chosenK: number | null;
}

/** Wall (and, with `cpuClock` returning CPU milliseconds, CPU) time of each phase. */
export function timeClustering(w: ClusteringWorkload, cpuClock?: () => number): ClusteringTimings {
  const { data, labels } = gaussianMixture(w.n, w.dim, w.k, w.seed, w.noise ?? 1);
  const timed = <T>(work: () => T): { value: T; ms: number; cpu: number } => {
    const wall = performance.now();
    const cpu = cpuClock?.() ?? 0;
    const value = work();
    return { value, ms: performance.now() - wall, cpu: (cpuClock?.() ?? 0) - cpu };
  };
  const fit = timed(() => kmeans(data, w.n, w.dim, { k: w.k, seed: w.seed }));
  const pca = w.pca ? timed(() => pca2(data, w.n, w.dim)) : null;
  const search = w.chooseKMax ? timed(() => chooseK(data, w.n, w.dim, { kMin: 2, kMax: w.chooseKMax!, seed: w.seed }).k) : null;
  return {
    kmeansMs: fit.ms,
    cpuMs: cpuClock ? { kmeans: fit.cpu, pca: pca?.cpu ?? null, chooseK: search?.cpu ?? null } : null,
    iterations: fit.value.iterations,
    ari: adjustedRandIndex(fit.value.assignments, labels),
    pcaMs: pca?.ms ?? null,
    chooseKMs: search?.ms ?? null,
    chosenK: search?.value ?? null,
  };
}
