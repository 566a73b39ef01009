// What the policy worker offers the page (through comlink) and the plain data it exchanges.
// Everything here is structured-cloneable; callbacks cross the boundary as Comlink.proxy(...).
import type { GpuInfo } from '../src/engine/gpu.ts';

export type Dtype = 'f32' | 'q8' | 'q4';
export const DTYPES: readonly Dtype[] = ['f32', 'q8', 'q4'];

/** Where loading stands: the phase, the file being read, and bytes (or steps) so far / in all (null: not known yet). */
export interface LoadProgressEvent {
  phase: 'config' | 'tokenizer' | 'weights' | 'ready';
  file?: string;
  loaded: number;
  total: number | null;
}

export interface LoadRequest {
  dtype: Dtype;
}

export interface GenerateRequest {
  /** completions for the prompt */
  n: number;
  maxNewTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  stop?: string[];
}

export interface Completion {
  text: string;
  tokens: number;
  finishReason: string;
}

export interface LoadedModelInfo {
  url: string;
  dtype: Dtype;
  /** the model's own description, e.g. its architecture and sizes, when it offers one */
  summary: string;
  loadSeconds: number;
}

export interface PolicyInfo {
  /** the WebGPU adapter the worker runs on */
  adapter: GpuInfo;
  /** why the device was lost, or null while it is alive */
  deviceLost: string | null;
  model: LoadedModelInfo | null;
}

/** The worker's methods as the page calls them (each returns a promise through comlink). */
export interface PolicyApi {
  ping(): 'pong';
  info(): Promise<PolicyInfo>;
  load(url: string, request: LoadRequest, onProgress: (p: LoadProgressEvent) => void): Promise<LoadedModelInfo>;
  generate(prompt: string, request: GenerateRequest): Promise<Completion[]>;
  /** `onLost(reason)` is called once if the worker's GPU device is lost. */
  watchDevice(onLost: (reason: string) => void): Promise<void>;
}
