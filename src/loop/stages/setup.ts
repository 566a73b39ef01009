// The stages that run once per run: the problems, their knowledge points, the knowledge embeddings and the clusters.
import { clusterEmbeddings, embedProblems } from '../../cluster/cluster-pool.ts';
import { CENTROIDS_KEY, centroidsToBytes } from '../held-out-clusters.ts';
import { loadProblemSets } from '../problem-sets.ts';
import type { ClustersOutput, PoolOutput, TagsOutput } from '../stage-outputs.ts';
import { tagPool } from '../tags.ts';
import { round, type StageContext, type StageResult } from './context.ts';

export async function poolStage(ctx: StageContext): Promise<StageResult> {
  const sets = await loadProblemSets(ctx.config, ctx.readText);
  for (const note of sets.notes) ctx.log('warn', note);
  const value: PoolOutput = { problems: sets.pool, heldOut: sets.heldOut, notes: sets.notes };
  return { value, summary: { problems: sets.pool.length, heldOut: sets.heldOut.length } };
}

export async function tagsStage(ctx: StageContext): Promise<StageResult> {
  const pool = await ctx.load<PoolOutput>('pool');
  const value: TagsOutput = await tagPool(pool.problems);
  if (value.untagged > 0) ctx.log('info', `${value.untagged} problems have no knowledge points: their question stands for their knowledge`);
  return { value, summary: { given: value.given, zeroShot: value.zeroShot, untagged: value.untagged } };
}

/** [n, dim] float32, saved as bytes. */
export async function embeddingsStage(ctx: StageContext): Promise<StageResult> {
  const pool = await ctx.load<PoolOutput>('pool');
  const tags = await ctx.load<TagsOutput>('tags');
  const embedder = await ctx.embedder();
  const tagged = pool.problems.map((p, j) => ({ ...p, knowledge_points: tags.tags[j] }));
  const data = await embedProblems(tagged, embedder, {}, (p) => ctx.report(p.done, p.total, `embedded ${p.done}/${p.total}`));
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { value: bytes, summary: { problems: pool.problems.length, dim: embedder.dim } };
}

/** Also saves the K-means centroids under CENTROIDS_KEY, before its own output. */
export async function clustersStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config.clusters;
  const pool = await ctx.load<PoolOutput>('pool');
  const data = await ctx.embeddings();
  const n = pool.problems.length;
  const dim = data.length / n;
  const result = clusterEmbeddings(data, n, dim, { k: c.k, kMin: c.kMin, kMax: c.kMax, seed: ctx.seed }, (p) =>
    ctx.report(p.phase === 'project' ? 0.9 : p.phase === 'kmeans' ? 0.5 : 0.1, 1, p.phase));
  for (const note of result.notes) ctx.log('info', note);
  // the centroids ([k, dim] float32 bytes) place the held-out problems in the pool's clusters (held-out-clusters.ts)
  await ctx.save(CENTROIDS_KEY, centroidsToBytes(result.centroids));
  const best = result.search?.scores?.find((s: { k: number }) => s.k === result.k) as { silhouette?: number } | undefined;
  const value: ClustersOutput = {
    k: result.k,
    assignments: [...result.assignments],
    sizes: [...result.sizes],
    projection: [...result.projection].map((x) => round(x)),
    embeddingDim: dim,
    silhouette: best?.silhouette ?? null,
    notes: result.notes,
  };
  return { value, summary: { k: result.k, silhouette: value.silhouette } };
}
