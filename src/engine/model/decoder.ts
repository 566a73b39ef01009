// What generation needs from a model, whatever runs it (the GPU model with its KV cache, or the
// plain TypeScript reference that recomputes everything): start rows from prompts, then append one
// token per active row and get the next logits (or, where the decoder samples on its device, the next tokens),
// dropping finished rows as they end.
import type { SamplingOptions } from './sampler.ts';

export interface DecodeSession {
  /** logits after the last token of each prompt: [prompts, V] */
  readonly promptLogits: Float32Array;
  /** Appends `tokens[i]` to active row i and returns the next logits of every active row: [active, V]. */
  step(tokens: number[]): Promise<Float32Array>;
  /**
   * Optional, for decoders that sample where the logits are: appends `tokens[i]` to active row i and returns each
   * active row's next token, picked from its new logits with the u32 uniform `uniforms[i]` by the rule of
   * reference/sampling.ts (the CPU sampler's); only the ids come back.
   */
  stepAndSample?(tokens: number[], sampling: SamplingOptions, uniforms: Uint32Array): Promise<number[]>;
  /** Keeps only the listed active rows (ascending indices into the current order), in that order. */
  keep(rows: number[]): void;
  dispose(): void;
}

export interface Decoder {
  readonly vocabSize: number;
  /** Longest sequence (prompt + generated) the model accepts. */
  readonly maxPositions: number;
  /** Most rows one session may hold when each grows to `capacity` tokens (memory bound). */
  maxRows(capacity: number): number;
  /**
   * Opens a session with `copies` rows per prompt (row order: prompt 0's copies, prompt 1's, ...),
   * each able to grow to `capacity` tokens.
   */
  start(prompts: number[][], copies: number, capacity: number): Promise<DecodeSession>;
}
