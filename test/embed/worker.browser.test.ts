// The embed worker in headless Chromium: the page drives workers/embed.worker.ts over comlink; the built-in
// embedder and transformers.js (onnxruntime-web, wasm and WebGPU on SwiftShader) on the test encoder give the same
// vectors as in Node. Everything is served from 127.0.0.1: model files, onnxruntime-web's wasm; nothing else.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../browser/chromium.ts';
import { serveStatic, type StaticServer } from '../browser/static-server.ts';
import { builtinEmbedder } from '../../src/embed/builtin.ts';
import type { EmbedderSpec } from '../../src/embed/spec.ts';
import { transformersEmbedder } from '../../src/embed/transformers.ts';
import { writeTinyEncoder } from './tiny-encoder.ts';
import type { EmbedPageReply } from './page/main.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ORT_DIST = join(ROOT, 'node_modules/onnxruntime-web/dist');
const TEXTS = ['percent.basic; ratio.basic', 'fractions.basic', 'What is 35% of 1140?', 'geometry.perimeter-area; geometry.triangles'];

let dist: string;
let server: StaticServer;
let browser: ChromiumSession;
let page: Page;
const foreign: string[] = [];

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'sai-dpo-embed-page-'));
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dist, emptyOutDir: true, sourcemap: false, rollupOptions: { input: join(ROOT, 'test/embed/page/index.html') } },
  });
  await writeTinyEncoder(join(dist, 'models', 'tiny-encoder'), { corpus: TEXTS, seed: 8 });
  await mkdir(join(dist, 'ort'));
  for (const file of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) await cp(join(ORT_DIST, file), join(dist, 'ort', file));
  server = await serveStatic(dist);
  browser = await launchChromium();
  browser.context.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${server.origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  page = await browser.context.newPage();
  await page.goto(`${server.origin}/test/embed/page/index.html`);
  await page.waitForFunction(() => '__embedPage' in globalThis, undefined, { timeout: 60_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

function runInPage(spec: EmbedderSpec): Promise<EmbedPageReply> {
  return page.evaluate(
    ({ s, t }) => (globalThis as unknown as { __embedPage: { run(s: unknown, t: string[]): Promise<EmbedPageReply> } }).__embedPage.run(s, t),
    { s: spec, t: TEXTS },
  );
}

describe('embed worker in Chromium', () => {
  it('runs the built-in embedder, with progress, and gives what Node gives', async () => {
    const reply = await runInPage({ kind: 'builtin' }).catch((e: Error) => {
      throw new Error(`${e.message}\n${browser.log.join('\n')}`);
    });
    expect(reply.info).toEqual({ name: 'builtin:hashed-char-ngrams/256', dim: 256, device: 'js' });
    const expected = (await builtinEmbedder().embed(TEXTS)).flatMap((v) => Array.from(v));
    expect(reply.vectors).toEqual(expected);
    expect(reply.viaEmbedder).toEqual(expected);
    expect(reply.embedEvents.at(-1)).toEqual({ done: TEXTS.length, total: TEXTS.length });
    expect(reply.loadEvents).toEqual([{ phase: 'ready', loaded: 1, total: 1 }]);
  });

  for (const device of ['wasm', 'auto'] as const) {
    it(`runs transformers.js on the test encoder (device ${device}) from local files only, as in Node`, async () => {
      const reply = await runInPage({ kind: 'transformers', model: 'tiny-encoder', localModelPath: '/models/', device, wasmPaths: '/ort/' }).catch((e: Error) => {
        throw new Error(`${e.message}\n${browser.log.join('\n')}`);
      });
      // 'auto' takes WebGPU where the browser has an adapter (SwiftShader here)
      expect(reply.info).toEqual({ name: 'tiny-encoder', dim: 32, device: device === 'wasm' ? 'wasm' : 'webgpu' });
      const node = await transformersEmbedder({ model: 'tiny-encoder', localModelPath: join(dist, 'models'), device: 'wasm' });
      const expected = (await node.embed(TEXTS)).flatMap((v) => Array.from(v));
      await node.dispose();
      expect(reply.vectors.length).toBe(expected.length);
      reply.vectors.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 4));
      expect(reply.loadEvents.some((e) => (e as { file?: string }).file === 'onnx/model.onnx')).toBe(true);
      expect(foreign).toEqual([]);
    }, 300_000); // building WebGPU pipelines on SwiftShader takes most of a minute on a busy 2-core machine
  }
});
