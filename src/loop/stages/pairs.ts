// The pairs stage: K answers per sampled problem (or the probe's, when reused), judged; a pair from each problem
// with right and wrong answers. equal-pairs works in rounds of sampler.problems until budget.pairs pairs.
import { mixSeed } from '../../data/curriculum/rng.ts';
import { formatPrompt } from '../../eval/prompt.ts';
import { Rng } from '../../util/random.ts';
import { buildPair, type JudgedCompletion } from '../pairs.ts';
import type { PairsOutput, PoolOutput, ProbeOutput, SampleOutput } from '../stage-outputs.ts';
import { round, type StageContext, type StageResult } from './context.ts';

export async function pairsStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const i = ctx.ref.iteration;
  const rng = new Rng(ctx.seed);
  const pool = await ctx.load<PoolOutput>('pool');
  const probe = await ctx.load<ProbeOutput>(`iter-${i}/probe`);
  const sample = await ctx.load<SampleOutput>(`iter-${i}/sample`);
  const K = c.pairs.answers;
  const probeAnswers = new Map<number, JudgedCompletion[]>();
  if (c.pairs.reuseProbeAnswers) probe.indices.forEach((j, q) => probe.answers[q].length >= K && probeAnswers.set(j, probe.answers[q].slice(0, K)));
  const roundSize = c.budget.mode === 'equal-pairs' ? c.sampler.problems : Math.max(1, sample.used);
  const candidates = sample.candidates.slice(0, sample.used);
  const out: PairsOutput = { seed: ctx.seed, pairs: [], sampled: 0, withPair: 0, allRight: 0, allWrong: 0, pairYield: 0, generations: 0, reused: 0, rounds: 0 };
  const target = c.budget.mode === 'equal-pairs' || c.budget.capPairs ? c.budget.pairs : Infinity;
  for (let start = 0; start < candidates.length && out.pairs.length < target; start += roundSize) {
    ctx.check();
    const batch = candidates.slice(start, start + roundSize);
    out.rounds++;
    const fresh = batch.filter((j) => !probeAnswers.has(j));
    const completions = await ctx.generate(fresh.map((j) => formatPrompt(pool.problems[j])), K,
      { temperature: c.pairs.temperature, topP: c.pairs.topP, maxNewTokens: c.pairs.maxNewTokens }, mixSeed(ctx.seed, out.rounds),
      (d, t) => ctx.report(start + (d / Math.max(1, t)) * batch.length, candidates.length, `answers ${d}/${t} (round ${out.rounds})`));
    out.generations += fresh.length * K;
    const judged = new Map(fresh.map((j, q) => [j, ctx.judgeAnswers(pool.problems[j], completions[q])]));
    for (const j of batch) {
      const answers = judged.get(j) ?? probeAnswers.get(j)!;
      if (!judged.has(j)) out.reused++;
      out.sampled++;
      const right = answers.filter((a) => a.correct).length;
      if (right === answers.length) out.allRight++;
      if (right === 0) out.allWrong++;
      const pair = buildPair(pool.problems[j].id, formatPrompt(pool.problems[j]), answers, c.pairs.chosen, rng);
      if (pair) {
        out.withPair++;
        if (out.pairs.length < target) out.pairs.push(pair);
      }
    }
  }
  out.pairYield = out.sampled ? round(out.withPair / out.sampled) : 0;
  if (c.budget.mode === 'equal-pairs' && out.pairs.length < c.budget.pairs) {
    ctx.log('warn', `equal-pairs: ${out.pairs.length} of ${c.budget.pairs} pairs after ${out.rounds} rounds (budget.maxRounds or the pool ran out)`);
  }
  return { value: out, summary: { pairs: out.pairs.length, sampled: out.sampled, pairYield: out.pairYield, generations: out.generations, reused: out.reused } };
}
