// The stages of a run in order, and where a run stands: resuming means running the first stage with no output.
import type { ExperimentConfig } from './config.ts';
import { ITERATION_STAGES, SETUP_STAGES, stageKey, type StageRef } from './events.ts';
import type { RunStore } from './store.ts';

export function stagePlan(config: ExperimentConfig): StageRef[] {
  const plan: StageRef[] = SETUP_STAGES.map((stage) => ({ stage, iteration: 0 }));
  if (config.eval.atStart) plan.push({ stage: 'eval', iteration: 0 });
  for (let i = 1; i <= config.iterations; i++) for (const stage of ITERATION_STAGES) plan.push({ stage, iteration: i });
  return plan;
}

/** The first stage of the plan whose output is not saved, or null when the run is complete. */
export async function nextStage(store: RunStore, runId: string, plan: StageRef[]): Promise<StageRef | null> {
  const saved = new Set(await store.keys(runId));
  return plan.find((ref) => !saved.has(stageKey(ref))) ?? null;
}
