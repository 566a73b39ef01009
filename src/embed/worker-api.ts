// What the embed worker (workers/embed.worker.ts) offers over comlink, and an Embedder backed by it for the page.
import type * as Comlink from 'comlink';
import type { Embedder } from '../data/tagging/embedder.ts';
import type { EmbedderInfo, EmbedProgress } from './service.ts';
import type { EmbedderSpec } from './spec.ts';
import type { EmbedLoadProgress } from './transformers.ts';

export interface EmbedWorkerApi {
  /** builds the embedder (downloading its model when needed); progress arrives as a Comlink.proxy callback */
  load(spec: EmbedderSpec, onProgress?: (p: EmbedLoadProgress) => void): Promise<EmbedderInfo>;
  info(): Promise<EmbedderInfo | null> | EmbedderInfo | null;
  /** [texts.length, dim] row-major, transferred */
  embed(texts: string[], onProgress?: (p: EmbedProgress) => void): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** An Embedder whose work runs in the worker; `info` is what load() returned. */
export function workerEmbedder(remote: Comlink.Remote<EmbedWorkerApi>, info: EmbedderInfo): Embedder & { name: string } {
  return {
    name: info.name,
    dim: info.dim,
    async embed(texts) {
      const packed = await remote.embed(texts);
      return Array.from({ length: texts.length }, (_, i) => packed.subarray(i * info.dim, (i + 1) * info.dim));
    },
  };
}
