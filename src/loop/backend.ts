// The generation backend: where the loop's answers come from (probe, pair generation, evaluation).
// Kept narrow on purpose: prompts in, texts with token counts out. Our WebGPU engine implements it
// (engine-backend.ts); an OpenAI-compatible completions server implements it too (src/backends/openai.ts).

export interface SamplingSettings {
  /** 0 = greedy */
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /** generation stops after any of these strings (the stop string is kept out of the text) */
  stop?: string[];
}

export interface GenerationRequest {
  /** fully formatted prompt texts (the loop applies the prompt format; backends add no template of their own) */
  prompts: string[];
  /** completions per prompt */
  n: number;
  sampling: SamplingSettings;
  /** the same (prompts, n, sampling, seed) gives the same texts on the same backend */
  seed: number;
  /** called as completions finish: done and total count completions (prompts × n) */
  onProgress?: (done: number, total: number) => void;
  /** aborts the request; the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface Completion {
  text: string;
  /** generated tokens, as the backend's tokenizer counts them */
  tokens: number;
  /** true when generation stopped at max tokens rather than at EOS or a stop string */
  truncated?: boolean;
}

export interface GenerationBackend {
  /** for reports and cache keys, e.g. "webgpu:tiny-math" or "openai:Qwen2.5-Math-7B" */
  readonly name: string;
  /** result[i][j] is the j-th completion of prompts[i] */
  generate(request: GenerationRequest): Promise<Completion[][]>;
  dispose?(): Promise<void> | void;
}
