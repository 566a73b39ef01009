// What the embed worker does, as a plain class (testable in Node): load one embedder, embed texts in batches with
// progress, return the vectors packed [n, dim] (one transferable buffer instead of n small arrays).
import { createEmbedder, type EmbedderSpec, type LoadedEmbedder } from './spec.ts';
import type { EmbedLoadProgress } from './transformers.ts';

export interface EmbedderInfo {
  name: string;
  dim: number;
  device: string;
}

/** Texts embedded so far / in all. */
export interface EmbedProgress {
  done: number;
  total: number;
}

export class EmbedService {
  private embedder: LoadedEmbedder | null = null;

  async load(spec: EmbedderSpec, onProgress?: (p: EmbedLoadProgress) => void): Promise<EmbedderInfo> {
    const next = await createEmbedder(spec, onProgress);
    await this.embedder?.dispose();
    this.embedder = next;
    return this.info()!;
  }

  info(): EmbedderInfo | null {
    return this.embedder && { name: this.embedder.name, dim: this.embedder.dim, device: this.embedder.device };
  }

  /** [texts.length, dim] row-major; onProgress after every batch of `batchSize` texts (default 64). */
  async embed(texts: string[], onProgress?: (p: EmbedProgress) => void, batchSize = 64): Promise<Float32Array> {
    const embedder = this.embedder;
    if (!embedder) throw new Error('embed worker: no embedder loaded (call load first)');
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new Error('embed worker: texts must be an array of strings');
    const out = new Float32Array(texts.length * embedder.dim);
    onProgress?.({ done: 0, total: texts.length });
    for (let start = 0; start < texts.length; start += batchSize) {
      const vectors = await embedder.embed(texts.slice(start, start + batchSize));
      vectors.forEach((v, r) => {
        if (v.length !== embedder.dim) throw new Error(`embed worker: vector of length ${v.length}, expected ${embedder.dim}`);
        out.set(v, (start + r) * embedder.dim);
      });
      onProgress?.({ done: Math.min(start + batchSize, texts.length), total: texts.length });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.embedder?.dispose();
    this.embedder = null;
  }
}
