// The embedder's worker: a thin comlink endpoint over EmbedService (src/embed/service.ts). transformers.js and its
// onnxruntime (WebGPU or wasm) live here, never on the page's thread.
import * as Comlink from 'comlink';
import { EmbedService } from '../src/embed/service.ts';
import type { EmbedWorkerApi } from '../src/embed/worker-api.ts';
import { throttleProgress } from './progress-throttle.ts';

const service = new EmbedService();

/** Callbacks from the page arrive as comlink proxies; each holds a message channel until released. */
function release(callback: unknown): void {
  (callback as Partial<Comlink.Remote<object>>)?.[Comlink.releaseProxy]?.();
}

const endpoint: EmbedWorkerApi = {
  async load(spec, onProgress) {
    // a model download reports every chunk: pass on at most one event per file every 100 ms, and each file's last
    const report = throttleProgress((p: Parameters<NonNullable<typeof onProgress>>[0]) => onProgress?.(p));
    try {
      return await service.load(spec, report);
    } finally {
      report.flush();
      release(onProgress);
    }
  },
  info: () => service.info(),
  async embed(texts, onProgress) {
    try {
      const packed = await service.embed(texts, onProgress);
      return Comlink.transfer(packed, [packed.buffer]);
    } finally {
      release(onProgress);
    }
  },
  dispose: () => service.dispose(),
};

Comlink.expose(endpoint);
