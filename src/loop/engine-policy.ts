// The policy on our WebGPU engine: the generation backend (engine-backend.ts) and the DPO trainer
// (engine-trainer.ts) share one set of GPU weights, so the trainer folds each iteration's adapter into the very
// weights generation uses, and nothing is copied or reloaded between iterations.
import type { ModelSource } from '../engine/files/source.ts';
import type { Runtime } from '../engine/runtime.ts';
import type { ExperimentConfig } from './config.ts';
import { loadPolicy } from './engine-backend.ts';
import { EngineTrainer } from './engine-trainer.ts';
import type { Policy } from './runner.ts';

export async function enginePolicy(source: ModelSource, config: ExperimentConfig, runtime?: Runtime): Promise<Policy> {
  const loaded = await loadPolicy(source, { dtype: config.model.dtype, runtime });
  return {
    backend: loaded.backend,
    trainer: new EngineTrainer({ ...loaded, name: source.name }),
    dispose: () => loaded.dispose(),
  };
}
