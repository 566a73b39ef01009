// Knowledge clustering of a problem pool: embed each problem's knowledge text, choose k by silhouette (unless
// given), K-means over every problem, and a 2-D PCA projection for plots. Every problem gets a cluster.
//
// Degenerate pools, by rule:
// - an empty pool is an error;
// - k (given or the search's kMax) is capped at the number of distinct embeddings (identical knowledge text gives
//   identical vectors, which no clustering can split); the cap is reported in `notes`;
// - one problem, or all problems with the same knowledge text: k = 1, everything in cluster 0, projection (0, 0).
import type { Problem } from '../data/problem.ts';
import { embedInBatches, type Embedder } from '../data/tagging/embedder.ts';
import { chooseK, type ChooseKResult } from './choose-k.ts';
import { countDistinctRows } from './distinct.ts';
import { kmeans } from './kmeans.ts';
import { knowledgeText } from './knowledge-text.ts';
import { packRows } from './matrix.ts';
import { pca2 } from './pca.ts';

export type ClusterPhase = 'embed' | 'choose-k' | 'kmeans' | 'project';

/** Where clustering stands: the phase and units done / in all (texts, candidate k, k-means restarts, 1 for the projection). */
export interface ClusterProgress {
  phase: ClusterPhase;
  done: number;
  total: number;
}

export type ClusterProgressCallback = (progress: ClusterProgress) => void;

export interface ClusterOptions {
  /** clusters; null or absent: chosen by silhouette in [kMin, kMax] */
  k?: number | null;
  /** smallest k the silhouette search tries (default 2) */
  kMin?: number;
  /** largest k the silhouette search tries (default 30) */
  kMax?: number;
  seed: number;
  /** rows the silhouette search fits and scores (default 2000) */
  sampleSize?: number;
  /** k-means iterations at most (default 300) */
  maxIter?: number;
  /** k-means tolerance (default 1e-4, see kmeans.ts) */
  tol?: number;
  /** k-means restarts of the final clustering; the lowest inertia is kept (default 1, as scikit-learn's n_init="auto" for k-means++) */
  restarts?: number;
  /** rows the PCA covariance is estimated from (default 10000) */
  pcaMaxRows?: number;
}

export interface EmbedOptions {
  /** texts per embed() call (default 64) */
  batchSize?: number;
  /** the text a problem is embedded from (default knowledgeText: its tags joined, else its question) */
  text?: (problem: Problem) => string;
}

export interface ClusterResult {
  /** cluster of every problem, in pool order: [n], values in [0, k) */
  assignments: Int32Array;
  /** [k, embeddingDim] row-major */
  centroids: Float32Array;
  k: number;
  /** [n, 2] row-major PCA coordinates */
  projection: Float32Array;
  embeddingDim: number;
  /** problems per cluster: [k] */
  sizes: Int32Array;
  inertia: number;
  iterations: number;
  /** the silhouette search, when k was chosen */
  search: ChooseKResult | null;
  /** what the degenerate-input rules changed (e.g. k capped), for the log */
  notes: string[];
}

export interface ClusteredPool extends ClusterResult {
  /** [n, embeddingDim] row-major: the vectors that were clustered */
  embeddings: Float32Array;
}

/** Embeds every problem's knowledge text: [n, embedder.dim] row-major. */
export async function embedProblems(
  problems: readonly Problem[],
  embedder: Embedder,
  options: EmbedOptions = {},
  onProgress?: ClusterProgressCallback,
): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`embedProblems: batchSize must be a positive integer, got ${batchSize}`);
  const textOf = options.text ?? knowledgeText;
  const texts = problems.map((p) => textOf(p));
  const out = new Float32Array(problems.length * embedder.dim);
  onProgress?.({ phase: 'embed', done: 0, total: texts.length });
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    out.set(packRows(await embedInBatches(embedder, batch, batchSize), embedder.dim), start * embedder.dim);
    onProgress?.({ phase: 'embed', done: start + batch.length, total: texts.length });
  }
  return out;
}

/** Clusters embeddings [n, dim] (k given or chosen) and projects them to 2-D. */
export function clusterEmbeddings(
  data: Float32Array,
  n: number,
  dim: number,
  options: ClusterOptions,
  onProgress?: ClusterProgressCallback,
): ClusterResult {
  if (n < 1) throw new Error('clusterPool: the pool is empty (no problems to cluster)');
  const kMin = options.kMin ?? 2;
  const kMax = options.kMax ?? 30;
  const given = options.k ?? null;
  if (given !== null && (!Number.isInteger(given) || given < 1)) throw new Error(`clusterPool: k must be a positive integer or null, got ${given}`);
  const notes: string[] = [];
  const distinct = countDistinctRows(data, n, dim, Math.max(given ?? 0, kMax) + 1);
  let k: number;
  let search: ChooseKResult | null = null;
  if (given !== null) {
    k = Math.min(given, distinct);
    if (k < given) notes.push(`k capped from ${given} to ${k}: only ${distinct} distinct embeddings among ${n} problems`);
  } else if (distinct < 2) {
    k = 1;
    notes.push(distinct === n ? 'one problem: k = 1' : `all ${n} problems have the same embedding: k = 1`);
  } else {
    onProgress?.({ phase: 'choose-k', done: 0, total: 1 });
    search = chooseK(data, n, dim, {
      kMin,
      kMax,
      seed: options.seed,
      sampleSize: options.sampleSize,
      onCandidate: (done, total) => onProgress?.({ phase: 'choose-k', done, total }),
    });
    k = search.k;
    if (search.range && search.range[1] < kMax) notes.push(`silhouette search capped at k = ${search.range[1]} (distinct embeddings or sample size)`);
  }
  const maxIter = options.maxIter ?? 300;
  const restarts = options.restarts ?? 1;
  onProgress?.({ phase: 'kmeans', done: 0, total: restarts });
  const fit = kmeans(data, n, dim, { k, seed: options.seed, maxIter, tol: options.tol, restarts, onRestart: (done, total) => onProgress?.({ phase: 'kmeans', done, total }) });
  onProgress?.({ phase: 'project', done: 0, total: 1 });
  const projection = pca2(data, n, dim, { maxRows: options.pcaMaxRows });
  onProgress?.({ phase: 'project', done: 1, total: 1 });
  return {
    assignments: fit.assignments,
    centroids: fit.centroids,
    k,
    projection,
    embeddingDim: dim,
    sizes: fit.sizes,
    inertia: fit.inertia,
    iterations: fit.iterations,
    search,
    notes,
  };
}

/** embed → k (given or chosen by silhouette) → K-means → PCA, for a whole pool. */
export async function clusterPool(
  problems: readonly Problem[],
  embedder: Embedder,
  options: ClusterOptions & EmbedOptions,
  onProgress?: ClusterProgressCallback,
): Promise<ClusteredPool> {
  if (problems.length === 0) throw new Error('clusterPool: the pool is empty (no problems to cluster)');
  const embeddings = await embedProblems(problems, embedder, options, onProgress);
  return { ...clusterEmbeddings(embeddings, problems.length, embedder.dim, options, onProgress), embeddings };
}
