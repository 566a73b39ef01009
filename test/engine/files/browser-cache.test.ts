// The browser path of urlSource in Chromium: the real Cache API and IndexedDB stores keep a model's
// files so that a second load (a fresh urlSource, as after a page reload) makes no request at all.
// The engine modules are served to the page by Vite's dev server; the model by a counting server.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, CHROMIUM_PATH, type ChromiumSession } from '../../browser/chromium.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';
import { serveFolders, type ServedFolder } from './serve-folder.ts';

const haveChromium = existsSync(CHROMIUM_PATH);

describe.skipIf(!haveChromium)('urlSource caches in Chromium', () => {
  let dir: string;
  let models: ServedFolder;
  let vite: ViteDevServer;
  let browser: ChromiumSession;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'browser-cache-test-'));
    await writeTinyModel(join(dir, 'tiny'), { arch: 'qwen2', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 24, seed: 4, shards: 2 });
    models = await serveFolders({ '/tiny/': join(dir, 'tiny') });
    vite = await createServer({ configFile: false, root: process.cwd(), logLevel: 'error', server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { noDiscovery: true } });
    await vite.listen();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(vite.resolvedUrls!.local[0]);
  });

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await models?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Page code as text: Vitest rewrites dynamic import() in test functions, which the page cannot run.
  const PAGE_LOAD = `async ({ baseUrl, cache }) => {
    const { urlSource } = await import('/src/engine/files/source.ts');
    const { openModelFolder } = await import('/src/engine/files/model-folder.ts');
    const { readCheckpoint } = await import('/src/engine/files/checkpoint.ts');
    const folder = await openModelFolder(urlSource(baseUrl, { cache }));
    const progress = {};
    let checksum = 0;
    for await (const t of readCheckpoint(folder.source, (p) => (progress[p.file] = [p.loaded, p.total]), { config: folder.config })) {
      for (let i = 0; i < t.data.length; i += 7) checksum += t.data[i];
    }
    return { checksum, progress, encoded: folder.tokenizer.encode('1+1=2') };
  }`;

  /** Opens the folder and streams every tensor, in the page; returns a checksum and the last progress of each file. */
  const loadInPage = (cache: string) =>
    page.evaluate(`(${PAGE_LOAD})(${JSON.stringify({ baseUrl: `${models.url}/tiny/`, cache })})`) as Promise<{
      checksum: number;
      progress: Record<string, [number, number | null]>;
      encoded: number[];
    }>;

  for (const cache of ['cache-api', 'indexeddb']) {
    it(`${cache}: the second load makes no request and reads the same bytes`, async () => {
      models.requests.length = 0;
      const first = await loadInPage(cache);
      const firstRequests = [...models.requests];
      expect(firstRequests).toContain('GET /tiny/model-00002-of-00002.safetensors');
      expect(firstRequests).toContain('GET /tiny/config.json');
      for (const [loaded, total] of Object.values(first.progress)) expect(loaded).toBe(total);
      const second = await loadInPage(cache);
      expect(models.requests).toEqual(firstRequests);
      expect(second).toEqual(first);
      expect(first.encoded.length).toBe(5);
    });
  }
});
