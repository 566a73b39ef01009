// The eval stage: held-out accuracy of the current policy (held-out.ts), overall and per knowledge point.
import { evaluateHeldOut } from '../held-out.ts';
import type { EvalOutput, PoolOutput } from '../stage-outputs.ts';
import { round, type StageContext, type StageResult } from './context.ts';

export async function evalStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const pool = await ctx.load<PoolOutput>('pool');
  const policy = await ctx.policy();
  const result = await evaluateHeldOut(policy.backend, pool.heldOut, {
    samples: c.eval.samples, temperature: c.eval.temperature, seed: ctx.seed, maxNewTokens: c.eval.maxNewTokens, judgeMode: c.judge.mode, signal: ctx.signal,
    onProgress: (done, total) => ctx.report(done, total, `held-out ${done}/${total}`),
  });
  const value: EvalOutput = {
    accuracy: result.accuracy,
    passAtK: c.eval.samples > 1 ? result.passAtK : null,
    perKnowledgePoint: result.perKnowledgePoint,
    meanSteps: result.meanSteps,
    meanTokens: result.meanTokens,
    correct: result.items.map((item) => item.correct),
  };
  return { value, summary: { accuracy: round(result.accuracy), passAtK: value.passAtK === null ? null : round(value.passAtK), meanTokens: round(result.meanTokens, 1) } };
}
