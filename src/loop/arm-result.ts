// One finished run read back from its store as an arm of a comparison (src/loop/compare.ts).
import type { ExperimentConfig } from './config.ts';
import type { ArmResult } from './compare.ts';
import type { EvalOutput, PairsOutput, ProbeOutput } from './runner.ts';
import type { RunStore } from './store.ts';

export async function armResult(store: RunStore, runId: string, config: ExperimentConfig, seconds: number): Promise<ArmResult> {
  const get = async <T>(key: string): Promise<T> => {
    const v = await store.get<T>(runId, key);
    if (v === undefined) throw new Error(`run "${runId}" has no "${key}": it is not finished`);
    return v;
  };
  let generations = 0;
  let probeGenerations = 0;
  let pairs = 0;
  let sampled = 0;
  let withPair = 0;
  for (let i = 1; i <= config.iterations; i++) {
    const probe = await get<ProbeOutput>(`iter-${i}/probe`);
    const p = await get<PairsOutput>(`iter-${i}/pairs`);
    probeGenerations += probe.generations;
    generations += probe.generations + p.generations;
    pairs += p.pairs.length;
    sampled += p.sampled;
    withPair += p.withPair;
  }
  const final = await get<EvalOutput>(`iter-${config.iterations}/eval`);
  const start = config.eval.atStart ? await get<EvalOutput>('iter-0/eval') : null;
  return {
    mix: config.pool.mix,
    sampler: config.sampler.name,
    seed: config.seed,
    finalAccuracy: final.accuracy,
    startAccuracy: start?.accuracy ?? null,
    generations,
    probeGenerations,
    pairs,
    pairYield: sampled ? withPair / sampled : 0,
    seconds,
  };
}
