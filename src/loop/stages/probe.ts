// The self-aware probe: K answers to a sample of the pool stratified by cluster, judged by the verifier; per
// problem the correct count, pass rate, pass@k, steps and length; per cluster the wrong answers found.
import { summarizeProbe } from '../../difficulty/probe-stats.ts';
import { formatPrompt } from '../../eval/prompt.ts';
import { countSteps } from '../../eval/response-shape.ts';
import type { ClusterErrors } from '../../sampling/sampler.ts';
import { makeSampler } from '../../sampling/samplers.ts';
import { stratifiedSample } from '../../sampling/stratified.ts';
import { Rng } from '../../util/random.ts';
import type { ClustersOutput, PoolOutput, ProbeOutput } from '../stage-outputs.ts';
import type { StageContext, StageResult } from './context.ts';

export async function probeStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const seed = ctx.seed;
  if (!makeSampler(c.sampler.name, c.sampler).needsProbe && c.probe.when === 'if-needed') {
    const skipped: ProbeOutput = { skipped: true, seed, indices: [], answers: [], probes: [], clusterErrors: [], generations: 0, accuracy: null };
    return { value: skipped, summary: { skipped: true, generations: 0 } };
  }
  const pool = await ctx.load<PoolOutput>('pool');
  const clusters = await ctx.load<ClustersOutput>('clusters');
  const indices = stratifiedSample(clusters.assignments, c.probe, new Rng(seed));
  const K = c.probe.answers;
  const completions = await ctx.generate(indices.map((j) => formatPrompt(pool.problems[j])), K,
    { temperature: c.probe.temperature, topP: c.probe.topP, maxNewTokens: c.probe.maxNewTokens }, seed);
  const answers = indices.map((j, q) => ctx.judgeAnswers(pool.problems[j], completions[q]));
  const probes = indices.map((j, q) =>
    summarizeProbe(pool.problems[j].id, clusters.assignments[j], answers[q].map((a, r) => ({ tokens: a.tokens, correct: a.correct, steps: countSteps(completions[q][r].text) }))));
  // every cluster is listed, those the probe missed with no answers
  const errors = new Map<number, ClusterErrors>();
  for (let cl = 0; cl < clusters.k; cl++) errors.set(cl, { cluster: cl, errors: 0, answers: 0 });
  for (const p of probes) {
    const e = errors.get(p.cluster)!;
    e.errors += p.k - p.correct;
    e.answers += p.k;
  }
  const correct = probes.reduce((s, p) => s + p.correct, 0);
  const generations = indices.length * K;
  const accuracy = generations ? correct / generations : null;
  const allRight = probes.filter((p) => p.correct === p.k).length;
  const allWrong = probes.filter((p) => p.correct === 0).length;
  if (probes.length > 0 && (allRight === probes.length || allWrong === probes.length)) {
    ctx.log('warn', `every probe answer was ${allRight ? 'right' : 'wrong'}: the probe cannot tell the clusters apart, so the sampler's cluster weights are flat (smoothing only)`);
  }
  const value: ProbeOutput = { skipped: false, seed, indices, answers, probes, clusterErrors: [...errors.values()], generations, accuracy };
  return { value, summary: { skipped: false, problems: indices.length, generations, accuracy, allRight, allWrong } };
}
