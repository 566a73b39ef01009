// The trainer: turns one iteration's DPO pairs into a new policy. Our WGSL DPO with LoRA implements it
// (engine-trainer.ts); an external TRL / OpenRLHF hand-off implements it for users beyond one machine.

/** One preference pair in TRL's format (prompt, chosen, rejected), plus where it came from. */
export interface DpoPair {
  problemId: string;
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface TrainSettings {
  beta: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  loraRank: number;
  loraAlpha: number;
  loraTargets: string[];
  seed: number;
  /** pairs per forward/backward pass (gradient accumulation); default batchSize */
  microBatch?: number;
}

/** TRL DPOTrainer metric names (loss, rewards/chosen, rewards/margins, ...), step from 1, fractional epoch; null where a step was skipped. */
export type StepMetrics = { step: number; epoch: number } & Record<string, number | null>;

export interface TrainResult {
  steps: StepMetrics[];
  /** the adapter learned this iteration, as PEFT safetensors bytes and adapter_config.json text, when the trainer has one */
  adapter?: { safetensors: Uint8Array; configJson: string };
}

/** An adapter a completed iteration saved (its PEFT files' contents). */
export interface SavedAdapter {
  iteration: number;
  safetensors: Uint8Array;
  configJson: string;
}

export interface Trainer {
  readonly name: string;
  /**
   * A resumed run: makes the policy the base model with these adapters folded in, in order (the state after their
   * iterations). Called once, before anything is generated, when earlier iterations were trained.
   */
  restore?(adapters: SavedAdapter[]): Promise<void>;
  /**
   * Trains on `pairs` with the current policy as the DPO reference, then makes the result the policy that the
   * generation backend answers with from now on (our engine folds the adapter into the weights).
   */
  train(iteration: number, pairs: DpoPair[], settings: TrainSettings, onStep?: (m: StepMetrics) => void): Promise<TrainResult>;
}
