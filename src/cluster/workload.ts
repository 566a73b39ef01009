// The clustering benchmark's workload, shared by the Node and the Chromium rows of bench/cluster.ts so both time
// the same code on the same data: a seeded Gaussian mixture of `k` directions (unit rows, like a sentence
// embedder's), K-means with k-means++ seeding, the PCA projection and the silhouette search, one phase per call
// (so the caller can read a CPU clock between phases: process.cpuUsage in Node, Chrome's ThreadTime in a page).
import { adjustedRandIndex } from './ari.ts';
import { chooseK } from './choose-k.ts';
import { kmeans } from './kmeans.ts';
import { pca2 } from './pca.ts';
import { gaussianMixture, type Mixture } from './synthetic.ts';

export interface ClusteringWorkload {
  n: number;
  dim: number;
  k: number;
  seed: number;
  /** mixture noise (see gaussianMixture; default 1: neighbouring groups overlap a little) */
  noise?: number;
  /** the silhouette search's largest k (over [2, chooseKMax], its default 2000-row sample) */
  chooseKMax: number;
}

export interface KMeansPhase {
  ms: number;
  iterations: number;
  /** agreement with the mixture's own groups */
  ari: number;
}

export interface ChooseKPhase {
  ms: number;
  chosenK: number;
}

/** The data of one workload and one call per phase, each returning its wall milliseconds. */
export class ClusteringBench {
  private readonly mixture: Mixture;

  constructor(readonly workload: ClusteringWorkload) {
    const w = workload;
    this.mixture = gaussianMixture(w.n, w.dim, w.k, w.seed, w.noise ?? 1);
  }

  kmeans(): KMeansPhase {
    const w = this.workload;
    const start = performance.now();
    const fit = kmeans(this.mixture.data, w.n, w.dim, { k: w.k, seed: w.seed });
    return { ms: performance.now() - start, iterations: fit.iterations, ari: adjustedRandIndex(fit.assignments, this.mixture.labels) };
  }

  pca(): { ms: number } {
    const start = performance.now();
    pca2(this.mixture.data, this.workload.n, this.workload.dim);
    return { ms: performance.now() - start };
  }

  chooseK(): ChooseKPhase {
    const w = this.workload;
    const start = performance.now();
    const chosenK = chooseK(this.mixture.data, w.n, w.dim, { kMin: 2, kMax: w.chooseKMax, seed: w.seed }).k;
    return { ms: performance.now() - start, chosenK };
  }
}
