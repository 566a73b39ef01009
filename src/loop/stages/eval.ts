// The eval stage: held-out accuracy of the current policy (held-out.ts), overall, per knowledge point and per
// knowledge cluster (the held-out problems placed in the pool's clusters once per run: held-out-clusters.ts).
import { evaluateHeldOut } from '../held-out.ts';
import { CENTROIDS_KEY, centroidsFromBytes, clusterHeldOut, HELD_OUT_CLUSTERS_KEY, perClusterAccuracy, type HeldOutClustersOutput } from '../held-out-clusters.ts';
import type { ClustersOutput, EvalOutput, PoolOutput, TagsOutput } from '../stage-outputs.ts';
import { round, type StageContext, type StageResult } from './context.ts';

export async function evalStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const pool = await ctx.load<PoolOutput>('pool');
  const clusters = await heldOutClusters(ctx, pool);
  const policy = await ctx.policy();
  const result = await evaluateHeldOut(policy.backend, pool.heldOut, {
    samples: c.eval.samples, temperature: c.eval.temperature, seed: ctx.seed, maxNewTokens: c.eval.maxNewTokens, judgeMode: c.judge.mode, signal: ctx.signal,
    onProgress: (done, total) => ctx.report(done, total, `held-out ${done}/${total}`),
  });
  const correct = result.items.map((item) => item.correct);
  const value: EvalOutput = {
    accuracy: result.accuracy,
    passAtK: c.eval.samples > 1 ? result.passAtK : null,
    perKnowledgePoint: result.perKnowledgePoint,
    perCluster: clusters ? perClusterAccuracy(clusters, correct, c.eval.samples) : null,
    meanSteps: result.meanSteps,
    meanTokens: result.meanTokens,
    correct,
  };
  return { value, summary: { accuracy: round(result.accuracy), passAtK: value.passAtK === null ? null : round(value.passAtK), meanTokens: round(result.meanTokens, 1) } };
}

/**
 * The held-out problems' clusters: saved by the run's first evaluation, read by every later one (and by a resumed
 * one). Null for runs whose clusters stage saved no centroids (made before it did): those report per knowledge point only.
 */
async function heldOutClusters(ctx: StageContext, pool: PoolOutput): Promise<HeldOutClustersOutput | null> {
  const saved = await ctx.loadIfSaved<HeldOutClustersOutput>(HELD_OUT_CLUSTERS_KEY);
  if (saved) return saved;
  const bytes = await ctx.loadIfSaved<Uint8Array>(CENTROIDS_KEY);
  if (!bytes) {
    ctx.log('info', 'this run saved no cluster centroids (it was made before they were saved): held-out accuracy is reported per knowledge point, not per cluster');
    return null;
  }
  const clusters = await ctx.load<ClustersOutput>('clusters');
  const tags = await ctx.load<TagsOutput>('tags');
  const value = await clusterHeldOut(pool.heldOut, {
    k: clusters.k, embeddingDim: clusters.embeddingDim, centroids: centroidsFromBytes(bytes, clusters.k, clusters.embeddingDim), assignments: clusters.assignments, tags: tags.tags,
  }, await ctx.embedder());
  await ctx.save(HELD_OUT_CLUSTERS_KEY, value);
  const used = new Set(value.assignments).size;
  ctx.log('info', `held-out problems placed in the pool's clusters: ${pool.heldOut.length} problems in ${used} of ${value.k} clusters (nearest centroid)`);
  return value;
}
