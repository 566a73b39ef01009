// Model folders saved in IndexedDB (src/store/local-models.ts), in real Chromium: a saved folder reads back byte for
// byte as a model source; a folder without a tokenizer is refused naming the file and saves nothing; a missing file
// or folder is named in the error; a save that overruns the storage quota keeps nothing of itself (all files or none)
// and leaves the folder saved before intact; delete removes every file.
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../browser/build-app.ts';
import { launchChromium, type ChromiumSession } from '../browser/chromium.ts';
import { serveStatic, type StaticServer } from '../browser/static-server.ts';

let dist = '';
let server: StaticServer;
let browser: ChromiumSession;
let page: Page;
const QUOTA = 3 * 1024 * 1024;

type Result = { ok: true; value: any } | { ok: false; name: string; message: string };

const TINY_RANDOM = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
const tinyRandom = (skip: string[] = []) => TINY_RANDOM.filter((f) => !skip.includes(f)).map((name) => ({ name, fetch: `/models/tiny-random/${name}` }));

beforeAll(async () => {
  dist = await buildApp(['test/store/page/local-models.html']);
  server = await serveStatic(dist);
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${server.origin}/test/store/page/local-models.html`);
  await page.waitForFunction(() => document.title === 'ready');
  // a small quota for this origin, set before any database opens (Chromium reads it when the first one opens): room
  // for tiny-random (0.35 MiB) a few times over, not for a 4 MiB folder
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: QUOTA });
}, 300_000); // builds the app: slow while other tests keep both cores busy

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.log(`browser console:\n${browser?.log.join('\n')}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

function call(method: string, ...args: unknown[]): Promise<Result> {
  return page.evaluate(([m, a]) => (window as any).localModels[m](...(a as unknown[])), [method, args] as const);
}

describe('local model folders in IndexedDB (Chromium)', () => {
  it('saves a model folder and reads every file back byte for byte through its model source', async () => {
    const saved = await call('save', 'db1', 'tiny-random', tinyRandom());
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    const list = await call('list', 'db1');
    expect(list.ok && list.value.map((f: any) => [f.name, f.files.map((x: any) => x.name)])).toEqual([['tiny-random', TINY_RANDOM]]);
    for (const file of TINY_RANDOM) {
      const read = await call('readDigest', 'db1', 'tiny-random', file);
      const served = await call('fetchDigest', `/models/tiny-random/${file}`);
      expect(read.ok && read.value.digest, file).toBe(served.ok && served.value);
      expect(read.ok && read.value.reported).toBe(read.ok && read.value.length);
    }
    expect(await call('has', 'db1', 'tiny-random', 'model.safetensors.index.json')).toEqual({ ok: true, value: false });
    const config = await call('readText', 'db1', 'tiny-random', 'config.json');
    expect(config.ok && JSON.parse(config.value).model_type).toBe('llama');
  });

  it('names the missing file, the missing folder, and a file name that leaves the folder', async () => {
    expect(await call('readText', 'db1', 'tiny-random', 'vocab.txt')).toMatchObject({ ok: false, name: 'ModelFileError', message: 'local:tiny-random/vocab.txt: not found in the saved folder' });
    expect(await call('has', 'db1', 'ghost', 'config.json')).toMatchObject({ ok: false, name: 'ModelFileError', message: expect.stringMatching(/^local:ghost: no folder by this name is saved in this browser/) });
    expect(await call('readText', 'db1', 'tiny-random', '../x.json')).toMatchObject({ ok: false, message: expect.stringMatching(/^local:tiny-random\/\.\.\/x\.json: not a plain relative file name/) });
    expect(await call('save', 'db1', 'bad/name', tinyRandom())).toMatchObject({ ok: false, message: expect.stringMatching(/bad folder name "bad\/name"/) });
  });

  it('refuses a folder without tokenizer.json or weights, naming them, and saves nothing of it', async () => {
    const refused = await call('save', 'db1', 'no-tokenizer', tinyRandom(['tokenizer.json', 'model.safetensors']));
    expect(refused).toMatchObject({ ok: false, name: 'ModelFileError' });
    expect(refused.ok ? '' : refused.message).toBe('local:no-tokenizer: not a model folder: missing tokenizer.json, the weights (model.safetensors, or model.safetensors.index.json with its shards)');
    const sharded = await call('save', 'db1', 'sharded', [...tinyRandom(['model.safetensors']), { name: 'model.safetensors.index.json', text: JSON.stringify({ weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } }) }, { name: 'model-00001-of-00002.safetensors', text: 'x' }]);
    expect(sharded.ok ? '' : sharded.message).toMatch(/missing model-00002-of-00002\.safetensors \(named in model\.safetensors\.index\.json\)$/);
    expect(await page.evaluate(() => (window as any).localModels.fileKeys('db1'))).toEqual(TINY_RANDOM.map((f) => `tiny-random/${f}`));
  });

  it('a save over the storage quota keeps nothing of itself; the folder saved before is intact', async () => {
    const before = await call('readDigest', 'db1', 'tiny-random', 'model.safetensors');
    // a new folder, and a new version of the saved one, each with 4 MiB of weights: both must fail whole
    const big = [...tinyRandom(['model.safetensors']), { name: 'model.safetensors', randomBytes: 4 * 1024 * 1024 }];
    for (const name of ['too-big', 'tiny-random']) {
      const result = await call('save', 'db1', name, big);
      console.log(result.ok ? `${name} was saved` : result.message);
      expect(result).toMatchObject({ ok: false, name: 'LocalModelQuotaError' });
      expect(result.ok ? '' : result.message).toMatch(new RegExp(`^storage is full: could not save the model folder "${name}" \\(4\\.0 MiB\\) .*nothing of it was kept`));
    }
    expect(await page.evaluate(() => (window as any).localModels.fileKeys('db1'))).toEqual(TINY_RANDOM.map((f) => `tiny-random/${f}`));
    const list = await call('list', 'db1');
    expect(list.ok && list.value.map((f: any) => f.name)).toEqual(['tiny-random']);
    expect(await call('readDigest', 'db1', 'tiny-random', 'model.safetensors')).toEqual(before);
  });

  it('replaces a folder saved again under the same name, and deletes every file of a folder', async () => {
    const second = await call('save', 'db1', 'tiny-random', tinyRandom(['generation_config.json']));
    expect(second.ok).toBe(true);
    expect(await call('has', 'db1', 'tiny-random', 'generation_config.json')).toEqual({ ok: true, value: false });
    expect(await call('delete', 'db1', 'tiny-random')).toEqual({ ok: true });
    expect(await page.evaluate(() => (window as any).localModels.fileKeys('db1'))).toEqual([]);
    expect(await call('list', 'db1')).toEqual({ ok: true, value: [] });
  });
});
