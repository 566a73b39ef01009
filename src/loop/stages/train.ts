// The train stage: DPO on the iteration's pairs through the policy's trainer (the reference is the policy at the
// start of the iteration); the adapter is saved before the stage's own output. No pairs: said so, nothing trained.
import type { PairsOutput, TrainOutput } from '../stage-outputs.ts';
import type { TrainSettings } from '../trainer.ts';
import type { StageContext, StageResult } from './context.ts';

export async function trainStage(ctx: StageContext): Promise<StageResult> {
  const c = ctx.config;
  const i = ctx.ref.iteration;
  const pairs = await ctx.load<PairsOutput>(`iter-${i}/pairs`);
  if (pairs.pairs.length === 0) {
    const reason = `no pairs in iteration ${i} (${pairs.sampled} problems sampled: ${pairs.allRight} all right, ${pairs.allWrong} all wrong): training skipped, the policy stays as it was`;
    ctx.log('warn', reason);
    const value: TrainOutput = { skipped: true, reason, pairs: 0, steps: [], hasAdapter: false };
    return { value, summary: { skipped: true, pairs: 0 } };
  }
  const policy = await ctx.policy();
  const t = c.train;
  const settings: TrainSettings = {
    beta: t.beta, learningRate: t.learningRate, epochs: t.epochs, batchSize: t.batchSize, microBatch: t.microBatch,
    loraRank: t.loraRank, loraAlpha: t.loraAlpha, loraTargets: [...t.loraTargets], seed: ctx.seed,
  };
  const totalSteps = Math.ceil(pairs.pairs.length / t.batchSize) * t.epochs;
  const result = await policy.trainer.train(i, pairs.pairs, settings, (m) => {
    ctx.check();
    ctx.emit({ type: 'train-step', iteration: i, metrics: m, totalSteps });
    ctx.report(m.step, totalSteps, `step ${m.step}/${totalSteps}`);
  });
  if (result.adapter) {
    await ctx.save(`iter-${i}/adapter`, result.adapter.safetensors);
    await ctx.save(`iter-${i}/adapter-config`, result.adapter.configJson);
  }
  const value: TrainOutput = { skipped: false, pairs: pairs.pairs.length, steps: result.steps, hasAdapter: !!result.adapter };
  const last = result.steps.at(-1);
  return { value, summary: { skipped: false, pairs: pairs.pairs.length, steps: result.steps.length, loss: last?.loss ?? null, 'rewards/accuracies': last?.['rewards/accuracies'] ?? null } };
}
