// Which embedder to build, as plain data (it crosses the worker boundary and is saved with a run's embeddings).
import { builtinEmbedder, type NamedEmbedder } from './builtin.ts';
import { transformersEmbedder, type EmbedDevice, type EmbedLoadProgress } from './transformers.ts';

export type EmbedderSpec =
  | { kind: 'builtin'; dim?: number }
  | {
      kind: 'transformers';
      model: string;
      localModelPath?: string;
      allowRemote?: boolean;
      device?: EmbedDevice;
      dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
      batchSize?: number;
      wasmPaths?: string;
    };

export interface LoadedEmbedder extends NamedEmbedder {
  /** where it runs: 'js' for the built-in one, else the execution provider ('webgpu', 'wasm', 'cpu') */
  device: string;
  dispose(): Promise<void>;
}

/** Builds the embedder a spec names (loading its model, for transformers). */
export async function createEmbedder(spec: EmbedderSpec, onProgress?: (p: EmbedLoadProgress) => void): Promise<LoadedEmbedder> {
  if (spec.kind === 'builtin') {
    const embedder = builtinEmbedder({ dim: spec.dim });
    onProgress?.({ phase: 'ready', loaded: 1, total: 1 });
    return { ...embedder, device: 'js', dispose: async () => {} };
  }
  if (spec.kind === 'transformers') {
    const { kind: _kind, ...options } = spec;
    return transformersEmbedder({ ...options, onProgress });
  }
  throw new Error(`embedder spec: kind must be "builtin" or "transformers", got "${String((spec as { kind?: unknown }).kind)}"`);
}
