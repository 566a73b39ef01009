// The sample stage: the sampler (SAI-DPO's or a baseline) draws an ordered list of candidate problems; the budget
// (budget.ts) decides how many of them the pairs stage uses.
import type { SamplerProblem } from '../../sampling/sampler.ts';
import { makeSampler, numericLabel } from '../../sampling/samplers.ts';
import { Rng } from '../../util/random.ts';
import { candidateCount, usedPrefix } from '../budget.ts';
import type { ClustersOutput, DifficultyOutput, PairsOutput, PoolOutput, ProbeOutput, SampleOutput } from '../stage-outputs.ts';
import type { StageContext, StageResult } from './context.ts';
import { difficultyEntries } from './difficulty.ts';

/** Pool indices used in earlier iterations (for sampler.reuse "never"). */
async function usedBefore(ctx: StageContext): Promise<Set<number>> {
  const out = new Set<number>();
  for (let j = 1; j < ctx.ref.iteration; j++) {
    const s = await ctx.load<SampleOutput>(`iter-${j}/sample`);
    const pairs = await ctx.load<PairsOutput>(`iter-${j}/pairs`);
    for (const x of s.candidates.slice(0, pairs.sampled)) out.add(x);
  }
  return out;
}

export async function sampleStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const i = ctx.ref.iteration;
  const pool = await ctx.load<PoolOutput>('pool');
  const clusters = await ctx.load<ClustersOutput>('clusters');
  const probe = await ctx.load<ProbeOutput>(`iter-${i}/probe`);
  const diff = await ctx.load<DifficultyOutput>(`iter-${i}/difficulty`);
  const sampler = makeSampler(c.sampler.name, c.sampler);
  const problems: SamplerProblem[] = pool.problems.map((p, j) => ({ id: p.id, cluster: clusters.assignments[j], label: numericLabel(p.difficulty_label) }));
  const excluded = c.sampler.reuse === 'never' ? await usedBefore(ctx) : new Set<number>();
  const reusable = new Set(c.pairs.reuseProbeAnswers ? probe.indices.filter((_, q) => probe.answers[q].length >= c.pairs.answers) : []);
  const want = candidateCount(c, probe.generations, reusable.size, pool.problems.length - excluded.size);
  const draw = sampler.draw(
    { pool: problems, iteration: i, difficulty: difficultyEntries(diff, pool, clusters), clusterErrors: probe.skipped ? null : probe.clusterErrors, excluded },
    want, new Rng(ctx.seed));
  const used = usedPrefix(c, draw.indices, probe.generations, (x) => reusable.has(x));
  const notes = [...draw.notes];
  if (c.budget.mode === 'problems' && draw.indices.length < c.sampler.problems) {
    notes.push(`sampler.problems is ${c.sampler.problems} but only ${draw.indices.length} problems could be drawn from a pool of ${pool.problems.length}`);
  }
  if (c.budget.mode === 'equal-generations' && used === 0) {
    notes.push(`the probe spent ${probe.generations} of ${c.budget.generations} generations: none are left for pairs this iteration`);
  }
  for (const note of notes) ctx.log('warn', note);
  const value: SampleOutput = { seed: ctx.seed, sampler: sampler.name, candidates: draw.indices, used, clusterWeights: draw.clusterWeights, notes };
  return { value, summary: { drawn: draw.indices.length, used } };
}
