// Test page for the embed worker: the page talks to workers/embed.worker.ts over comlink exactly as the lab does,
// and exposes one call for the test to drive through playwright.
import * as Comlink from 'comlink';
import type { EmbedProgress } from '../../../src/embed/service.ts';
import type { EmbedderSpec } from '../../../src/embed/spec.ts';
import type { EmbedLoadProgress } from '../../../src/embed/transformers.ts';
import type { EmbedWorkerApi } from '../../../src/embed/worker-api.ts';
import { workerEmbedder } from '../../../src/embed/worker-api.ts';

export interface EmbedPageReply {
  info: { name: string; dim: number; device: string };
  /** [texts, dim] flattened */
  vectors: number[];
  /** the same texts through workerEmbedder (the Embedder the page hands to clusterPool) */
  viaEmbedder: number[];
  loadEvents: unknown[];
  embedEvents: { done: number; total: number }[];
}

const worker = new Worker(new URL('../../../workers/embed.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<EmbedWorkerApi>(worker);

async function run(spec: EmbedderSpec, texts: string[]): Promise<EmbedPageReply> {
  const loadEvents: unknown[] = [];
  const embedEvents: { done: number; total: number }[] = [];
  const info = await api.load(spec, Comlink.proxy((p: EmbedLoadProgress) => void loadEvents.push(p)));
  const packed = await api.embed(texts, Comlink.proxy((p: EmbedProgress) => void embedEvents.push(p)));
  const viaEmbedder = (await workerEmbedder(api, info).embed(texts)).flatMap((v) => Array.from(v));
  return { info, vectors: Array.from(packed), viaEmbedder, loadEvents, embedEvents };
}

(globalThis as Record<string, unknown>).__embedPage = { run };
