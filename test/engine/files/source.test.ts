import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSource, memoryCacheStore, memorySource, nodeSource, subSource, urlSource, type ModelSource } from '../../../src/engine/files/source.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';
import { serveFolders, type ServedFolder } from './serve-folder.ts';

const FIXTURE = 'test/fixtures/torch-reference/qwen2-fixture-f32';

/** What a model load does: probe optional files (reading those present), read the rest. */
async function loadAll(source: ModelSource, progress: [number, number | null][] = []): Promise<string> {
  const hasIndex = await source.has('model.safetensors.index.json');
  const hasGeneration = await source.has('generation_config.json');
  const generation = hasGeneration ? await source.readText('generation_config.json') : '';
  const config = await source.readText('config.json');
  const weights = await source.read('model.safetensors', (loaded, total) => progress.push([loaded, total]));
  return `${hasIndex} ${hasGeneration} ${generation.length} ${config.length} ${weights.length}`;
}

describe('nodeSource', () => {
  it('reads files with progress and answers has()', async () => {
    const source = nodeSource(FIXTURE);
    const progress: [number, number | null][] = [];
    const bytes = await source.read('model.safetensors', (loaded, total) => progress.push([loaded, total]));
    expect(bytes.length).toBe(43704);
    expect(progress.at(-1)).toEqual([43704, 43704]);
    expect(JSON.parse(await source.readText('config.json')).hidden_size).toBe(24);
    expect(await source.has('tokenizer.json')).toBe(true);
    expect(await source.has('generation_config.json')).toBe(false);
    expect(await source.has('adapter')).toBe(false); // a directory is not a file
    expect(await subSource(source, 'adapter').has('adapter_config.json')).toBe(true);
  });

  it('names the file that is missing and refuses paths leaving the folder', async () => {
    const source = nodeSource(FIXTURE);
    await expect(source.read('nope.json')).rejects.toThrow(`${FIXTURE}/nope.json: not found`);
    await expect(source.read('../README.md')).rejects.toThrow(/not a plain relative file name/);
    await expect(source.has('/etc/passwd')).rejects.toThrow(/not a plain relative file name/);
  });
});

describe('memorySource', () => {
  it('serves bytes by name', async () => {
    const source = memorySource(new Map([['a/b.json', new TextEncoder().encode('{"x":1}')]]), 'upload');
    expect(await subSource(source, 'a').readText('b.json')).toBe('{"x":1}');
    await expect(source.read('c.json')).rejects.toThrow('upload/c.json: not found');
  });
});

describe('urlSource and hubSource against a local server', () => {
  let dir: string;
  let server: ServedFolder;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'url-source-test-'));
    await writeTinyModel(join(dir, 'tiny'), { arch: 'qwen2', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 24, seed: 3 });
    server = await serveFolders(
      { '/models/tiny/': join(dir, 'tiny'), '/owner/tiny-model/resolve/v1.0/': join(dir, 'tiny') },
      { hubStyle: true, failing: ['/models/tiny/broken.json'] },
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("with cache 'none' every load downloads again", async () => {
    const source = () => urlSource(`${server.url}/models/tiny/`, { cache: 'none' });
    server.requests.length = 0;
    const progress: [number, number | null][] = [];
    const first = await loadAll(source(), progress);
    const firstRequests = server.requests.length;
    expect(first).toMatch(/^false true \d+ \d+ \d+$/);
    expect(server.requests).toEqual([
      'HEAD /models/tiny/model.safetensors.index.json',
      'HEAD /models/tiny/generation_config.json',
      'GET /models/tiny/generation_config.json',
      'GET /models/tiny/config.json',
      'GET /models/tiny/model.safetensors',
    ]);
    const size = Number(first.split(' ')[4]);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(await loadAll(source())).toBe(first);
    expect(server.requests.length).toBe(2 * firstRequests);
  });

  it('with a cache store the second load makes no request, and the bytes are the same', async () => {
    const store = memoryCacheStore();
    const source = () => urlSource(`${server.url}/models/tiny`, { cache: store });
    server.requests.length = 0;
    const first = await loadAll(source());
    expect(server.requests.length).toBe(5);
    expect([...store.entries.keys()].sort()).toEqual(
      ['config.json', 'generation_config.json', 'model.safetensors', 'model.safetensors.index.json'].map((f) => `${server.url}/models/tiny/${f}`).sort(),
    );
    const progress: [number, number | null][] = [];
    expect(await loadAll(source(), progress)).toBe(first);
    expect(server.requests.length).toBe(5); // nothing new: answers (including the 404) came from the store
    const size = Number(first.split(' ')[4]);
    expect(progress).toEqual([[size, size]]);
    const fromDisk = await nodeSource(join(dir, 'tiny')).read('model.safetensors');
    expect(await source().read('model.safetensors')).toEqual(fromDisk);
  });

  it('a remembered 404 answers has(), but a read asks again (the file may have been added since)', async () => {
    const store = memoryCacheStore();
    const source = () => urlSource(`${server.url}/models/tiny/`, { cache: store });
    await expect(source().read('late.json')).rejects.toThrow(/late\.json: not found \(HTTP 404\)/);
    expect(await source().has('late.json')).toBe(false); // from the store: no request
    await writeFile(join(dir, 'tiny', 'late.json'), '{"added": true}');
    expect(JSON.parse(await source().readText('late.json'))).toEqual({ added: true });
    expect(await source().has('late.json')).toBe(true);
  });

  it('hubSource follows the resolve URL pattern and its redirects', async () => {
    const store = memoryCacheStore();
    server.requests.length = 0;
    const source = hubSource('owner/tiny-model', 'v1.0', { endpoint: `${server.url}/`, cache: store });
    expect(source.name).toBe(`${server.url}/owner/tiny-model/resolve/v1.0/`);
    expect(JSON.parse(await source.readText('config.json')).model_type).toBe('qwen2');
    expect(server.requests).toEqual(['GET /owner/tiny-model/resolve/v1.0/config.json', 'GET /cdn/owner/tiny-model/resolve/v1.0/config.json']);
    expect(await source.has('tokenizer.json')).toBe(true);
    expect(await source.has('model.safetensors.index.json')).toBe(false);
    expect(() => hubSource('not a repo')).toThrow(/is not a repository id/);
  });

  it('reports missing files and server errors naming the URL', async () => {
    const source = urlSource(`${server.url}/models/tiny/`, { cache: 'none' });
    await expect(source.read('missing.json')).rejects.toThrow(`${server.url}/models/tiny/missing.json: not found (HTTP 404)`);
    await expect(source.read('broken.json')).rejects.toThrow(`${server.url}/models/tiny/broken.json: HTTP 500 Internal Server Error`);
    await expect(source.has('broken.json')).rejects.toThrow(/broken\.json: HTTP 500/);
    const unreachable = urlSource('http://127.0.0.1:1/', { cache: 'none' });
    await expect(unreachable.read('config.json')).rejects.toThrow(/^http:\/\/127\.0\.0\.1:1\/config\.json: request failed/);
  });

  it('falls back to GET where HEAD is refused', async () => {
    const seen: string[] = [];
    const noHead: typeof fetch = async (input, init) => {
      seen.push(`${init?.method ?? 'GET'} ${String(input).slice(server.url.length)}`);
      if (init?.method === 'HEAD') return new Response(null, { status: 405, statusText: 'Method Not Allowed' });
      return fetch(input, init);
    };
    const source = urlSource(`${server.url}/models/tiny/`, { cache: memoryCacheStore(), fetch: noHead });
    expect(await source.has('config.json')).toBe(true);
    expect(await source.has('model.safetensors.index.json')).toBe(false);
    expect(JSON.parse(await source.readText('config.json')).model_type).toBe('qwen2');
    expect(seen).toEqual([
      'HEAD /models/tiny/config.json', 'GET /models/tiny/config.json',
      'HEAD /models/tiny/model.safetensors.index.json', 'GET /models/tiny/model.safetensors.index.json',
    ]);
  });

  it('a store that cannot take more (quota) does not fail the load', async () => {
    const full = { kind: 'full', get: async () => undefined, put: async () => { throw new Error('QuotaExceededError'); } };
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => void warnings.push(message);
    try {
      const source = urlSource(`${server.url}/models/tiny/`, { cache: full });
      expect((await source.read('model.safetensors')).length).toBeGreaterThan(0);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([`${server.url}/models/tiny/model.safetensors: not cached (full): QuotaExceededError`]);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const source = urlSource(`${server.url}/models/tiny/`, { cache: 'none', fetch: counting });
    await source.readText('tokenizer_config.json');
    expect(seen).toEqual([`${server.url}/models/tiny/tokenizer_config.json`]);
  });

  it('defaults to no cache in Node, where there is no Cache API', async () => {
    expect(typeof (globalThis as { caches?: unknown }).caches).toBe('undefined');
    const source = urlSource(`${server.url}/models/tiny/`);
    server.requests.length = 0;
    await source.readText('config.json');
    await source.readText('config.json');
    expect(server.requests.length).toBe(2);
  });
});
