// What a loaded model runs on: the GPU model or the CPU reference, behind one shape.
import type { Decoder } from './decoder.ts';

export interface LogprobItem {
  promptIds: number[];
  responseIds: number[];
}

export interface Backend {
  /** e.g. "gpu (llvmpipe, q8)" or "cpu (reference)" */
  device: string;
  decoder: Decoder;
  logprobs(items: LogprobItem[]): Promise<{ logprob: number; tokens: number }[]>;
  dispose(): void;
}

/** The tensors of a checkpoint as they stream in. */
export type TensorStream = AsyncIterable<{ name: string; shape: number[]; data: Float32Array }>;
