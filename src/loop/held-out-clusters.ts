// The held-out problems' knowledge clusters, so held-out accuracy can be read per cluster (the cluster × iteration
// heat map). Rule: each held-out problem's knowledge text (its knowledge points, tagged as the pool's are in
// tags.ts, else its question) is embedded with the run's embedder and assigned to the nearest pool centroid
// (squared Euclidean distance, ties to the lowest cluster id: the K-means assignment step, src/cluster/assign.ts).
// Held-out problems never move the centroids. Computed once per run and saved (HELD_OUT_CLUSTERS_KEY).
import { assignNearest } from '../cluster/assign.ts';
import { embedProblems } from '../cluster/cluster-pool.ts';
import { rowSquaredNorms } from '../cluster/distances.ts';
import type { Problem } from '../data/problem.ts';
import type { Embedder } from '../data/tagging/embedder.ts';
import { tagPool } from './tags.ts';

// CENTROIDS_KEY: the clusters stage's K-means centroids, [k, embeddingDim] float32 bytes, saved before the `clusters`
// output; HELD_OUT_CLUSTERS_KEY: the held-out problems' clusters (HeldOutClustersOutput), saved by the first evaluation.
import { CENTROIDS_KEY } from './events.ts';
export { CENTROIDS_KEY, HELD_OUT_CLUSTERS_KEY } from './events.ts';

/** Knowledge points that name a cluster: its most common ones in the pool. */
export const CLUSTER_NAME_POINTS = 2;

export interface HeldOutClustersOutput {
  k: number;
  /** cluster of every held-out problem, held-out order, values in [0, k) */
  assignments: number[];
  /** each cluster's most common knowledge points in the pool, most common first (ties: first seen in pool order) */
  knowledgePoints: string[][];
  /** held-out problems tagged zero-shot, and those left with their question as knowledge text */
  zeroShot: number;
  untagged: number;
}

/** Centroid bytes as saved → [k, dim]; an error naming the key when the length does not match. */
export function centroidsFromBytes(bytes: Uint8Array, k: number, dim: number): Float32Array {
  if (bytes.byteLength !== k * dim * 4) throw new Error(`${CENTROIDS_KEY}: expected ${k} × ${dim} float32 values (${k * dim * 4} bytes), got ${bytes.byteLength} bytes`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function centroidsToBytes(centroids: Float32Array): Uint8Array {
  return new Uint8Array(centroids.buffer, centroids.byteOffset, centroids.byteLength).slice();
}

/** Nearest centroid of every row of data [n, dim] among centroids [k, dim]. */
export function nearestCentroids(data: Float32Array, n: number, dim: number, centroids: Float32Array, k: number): number[] {
  if (n === 0) return [];
  const { assignments } = assignNearest(data, n, dim, rowSquaredNorms(data, n, dim), centroids, rowSquaredNorms(centroids, k, dim), k);
  return [...assignments];
}

/** Each cluster's `top` most common knowledge points among the pool problems assigned to it. */
export function clusterKnowledgePoints(assignments: readonly number[], tags: readonly string[][], k: number, top = CLUSTER_NAME_POINTS): string[][] {
  const counts = Array.from({ length: k }, () => new Map<string, number>());
  assignments.forEach((c, i) => {
    for (const tag of tags[i] ?? []) counts[c].set(tag, (counts[c].get(tag) ?? 0) + 1);
  });
  // Array.prototype.sort is stable: equal counts keep their first-seen order
  return counts.map((m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([tag]) => tag));
}

export interface PoolClusters {
  k: number;
  embeddingDim: number;
  /** [k, embeddingDim] */
  centroids: Float32Array;
  /** the pool's assignments and knowledge points (pool order), to name the clusters */
  assignments: readonly number[];
  tags: readonly string[][];
}

/** Tags, embeds and assigns the held-out problems to the pool's clusters. */
export async function clusterHeldOut(heldOut: readonly Problem[], pool: PoolClusters, embedder: Embedder): Promise<HeldOutClustersOutput> {
  if (embedder.dim !== pool.embeddingDim) throw new Error(`held-out clusters: the embedder gives ${embedder.dim} dimensions, the pool's clusters have ${pool.embeddingDim} (embedding.* changed?)`);
  const tagged = await tagPool([...heldOut]);
  const problems = heldOut.map((p, i) => ({ ...p, knowledge_points: tagged.tags[i] }));
  const data = await embedProblems(problems, embedder);
  return {
    k: pool.k,
    assignments: nearestCentroids(data, heldOut.length, pool.embeddingDim, pool.centroids, pool.k),
    knowledgePoints: clusterKnowledgePoints(pool.assignments, pool.tags, pool.k),
    zeroShot: tagged.zeroShot,
    untagged: tagged.untagged,
  };
}

export interface ClusterAccuracy {
  /** mean share of right answers over the cluster's held-out problems */
  accuracy: number;
  /** held-out problems in the cluster */
  count: number;
  /** the cluster's most common knowledge points in the pool, to name it */
  knowledgePoints: string[];
}

/**
 * Held-out accuracy per cluster id ("0", "1", ...), for the clusters that hold held-out problems.
 * correct: right answers per held-out problem (held-out order); samples: answers per problem.
 */
export function perClusterAccuracy(clusters: HeldOutClustersOutput, correct: readonly number[], samples: number): Record<string, ClusterAccuracy> {
  if (correct.length !== clusters.assignments.length) throw new Error(`held-out clusters: ${clusters.assignments.length} assignments for ${correct.length} held-out problems (the held-out set changed?)`);
  const sums = new Map<number, { right: number; count: number }>();
  clusters.assignments.forEach((c, i) => {
    const s = sums.get(c) ?? { right: 0, count: 0 };
    s.right += correct[i] / samples;
    s.count++;
    sums.set(c, s);
  });
  const out: Record<string, ClusterAccuracy> = {};
  for (const c of [...sums.keys()].sort((a, b) => a - b)) {
    const s = sums.get(c)!;
    out[String(c)] = { accuracy: s.right / s.count, count: s.count, knowledgePoints: clusters.knowledgePoints[c] ?? [] };
  }
  return out;
}
