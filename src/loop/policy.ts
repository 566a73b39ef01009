// The policy the loop improves: answers come from its generation backend; its trainer turns pairs into the next
// policy. Our engine provides both on shared GPU weights (engine-policy.ts); remote backends may pair differently.
import type { GenerationBackend } from './backend.ts';
import type { Trainer } from './trainer.ts';

export interface Policy {
  backend: GenerationBackend;
  trainer: Trainer;
  dispose(): Promise<void> | void;
}
