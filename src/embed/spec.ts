// Which embedder to build, as plain data (it crosses the worker boundary and is saved with a run's embeddings).
import { builtinEmbedder, type NamedEmbedder } from './builtin.ts';
import { transformersEmbedder, type EmbedLoadProgress, type TransformersEmbedderOptions } from './transformers.ts';

export type EmbedderSpec =
  | { kind: 'builtin'; dim?: number }
  | ({ kind: 'transformers' } & Omit<TransformersEmbedderOptions, 'onProgress'>);

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
