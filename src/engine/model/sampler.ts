// Picks the next token from one row of logits on the CPU: greedy (temperature 0) or temperature + nucleus
// (top-p) sampling (Holtzman et al. 2020), driven by one uniform number from the sequence's RNG. The rule is
// reference/sampling.ts's (integer weights and masses), the one the GPU kernel (kernels/sample.ts) follows, so
// both pick the same token for the same logits and uniform.
import { argmaxRef, sampleRef, uniformBits } from '../reference/sampling.ts';

export interface SamplingOptions {
  /** 0 = greedy (argmax) */
  temperature: number;
  /** nucleus mass in (0, 1]; 1 keeps the whole distribution */
  topP: number;
}

/** Index of the largest value (the first one on ties). logits: [V] */
export function argmax(logits: ArrayLike<number>): number {
  return argmaxRef(logits);
}

export function validateSampling(options: SamplingOptions): void {
  const { temperature, topP } = options;
  if (!(temperature >= 0)) throw new Error(`temperature must be >= 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`top-p must be in (0, 1], got ${topP}`);
}

/** Samples a token id. logits: [V]; `u` uniform in [0, 1). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, u: number): number {
  validateSampling(options);
  return sampleRef(logits, options, uniformBits(u));
}
