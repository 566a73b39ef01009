// The policy worker's service in Node (on whatever adapter acquireGpu() finds): loads the bundled model
// over HTTP with progress, generates reproducibly, reuses cached files, and answers every bad request
// with an error naming the problem while staying usable.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { acquireGpu, type Gpu } from '../../src/engine/gpu.ts';
import { memoryCacheStore } from '../../src/engine/files/source.ts';
import type { LoadProgressEvent } from '../../workers/policy-api.ts';
import { PolicyService } from '../../workers/policy-service.ts';
import { PROJECT_ROOT } from './build-app.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

let server: StaticServer;
let modelUrl = '';
const cache = memoryCacheStore();
const service = new PolicyService({ cache });
const request = { n: 2, maxNewTokens: 10, temperature: 0.9, topP: 0.95, seed: 5 };

beforeAll(async () => {
  server = await serveStatic(join(PROJECT_ROOT, 'public'));
  modelUrl = `${server.origin}/models/tiny-random/`;
});

afterAll(async () => {
  await server?.close();
});

describe('PolicyService', () => {
  test('info names the adapter; no model yet', async () => {
    const info = await service.info();
    console.log(`adapter: ${info.adapter.description} (${info.adapter.source})`);
    expect(info.adapter.description.length).toBeGreaterThan(0);
    expect(info).toMatchObject({ deviceLost: null, model: null });
    expect(service.ping()).toBe('pong');
  });

  test('loads the bundled model over HTTP, reporting each phase and the weights up to their size', async () => {
    const events: LoadProgressEvent[] = [];
    const loaded = await service.load(modelUrl, { dtype: 'f32' }, (p) => events.push(p));
    console.log(`loaded ${loaded.summary} in ${loaded.loadSeconds.toFixed(2)} s`);
    expect(loaded).toMatchObject({ url: modelUrl, dtype: 'f32' });
    expect(loaded.summary).toBe('tiny-random: llama, 2 layers, hidden 64, vocab 100');
    expect([...new Set(events.map((e) => e.phase))]).toEqual(['config', 'tokenizer', 'weights', 'ready']);
    const lastWeights = events.filter((e) => e.phase === 'weights').at(-1)!;
    expect(lastWeights.file).toBe('model.safetensors');
    expect(lastWeights.loaded).toBe(lastWeights.total);
    expect((await service.info()).model).toEqual(loaded);
  });

  test('the same seed gives the same completions, another seed others', async () => {
    const first = await service.generate('2 + 2 =', request);
    console.log(JSON.stringify(first));
    expect(first).toHaveLength(2);
    expect(first.every((c) => c.text.length > 0 && c.tokens > 0 && c.tokens <= 10)).toBe(true);
    expect(await service.generate('2 + 2 =', request)).toEqual(first);
    expect(await service.generate('2 + 2 =', { ...request, seed: 6 })).not.toEqual(first);
  });

  test('a second load reads the files from the cache, not the server', async () => {
    const before = server.downloads.get('/models/tiny-random/model.safetensors');
    expect(before).toBe(1);
    await service.load(modelUrl, { dtype: 'f32' }, () => {});
    expect(server.downloads.get('/models/tiny-random/model.safetensors')).toBe(1);
  });

  test('bad requests fail with a message naming the problem', async () => {
    await expect(service.generate('x', { ...request, n: 0 })).rejects.toThrow('generate request: n must be between 1 and 16, got 0');
    await expect(service.generate(42 as unknown as string, request)).rejects.toThrow('prompt must be text');
    await expect(service.load('models/tiny-random/', { dtype: 'f32' }, () => {})).rejects.toThrow('is not an absolute URL');
    await expect(service.load(modelUrl, { dtype: 'f16' as 'f32' }, () => {})).rejects.toThrow('dtype must be one of f32, q8, q4, got "f16"');
  });

  test('a missing model folder is an error naming the file; then nothing is loaded, and loading again works', async () => {
    const missing = `${server.origin}/models/missing/`;
    await expect(service.load(missing, { dtype: 'f32' }, () => {})).rejects.toThrow(/models\/missing\/config\.json: not found/);
    await expect(service.generate('x', request)).rejects.toThrow('no model is loaded');
    await service.load(modelUrl, { dtype: 'f32' }, () => {});
    expect(await service.generate('x', { ...request, n: 1 })).toHaveLength(1);
  });
});

describe('PolicyService when the GPU device is lost', () => {
  test('reports the loss, fails generation clearly, and loads again on a fresh device', async () => {
    const devices: Gpu[] = [];
    const lossy = new PolicyService({
      cache: memoryCacheStore(),
      acquire: async () => {
        const gpu = await acquireGpu();
        devices.push(gpu);
        return gpu;
      },
    });
    await lossy.load(modelUrl, { dtype: 'f32' }, () => {});
    const lost = new Promise<string>((resolve) => void lossy.watchDevice(resolve));
    await lossy.info(); // watchDevice is registered once the device is known
    devices[0].destroy(); // what a driver reset looks like from here
    expect(await lost).toBeTruthy();
    expect((await lossy.info()).deviceLost).not.toBeNull();
    await expect(lossy.generate('x', request)).rejects.toThrow(/device lost/i);
    await lossy.load(modelUrl, { dtype: 'f32' }, () => {});
    expect(devices).toHaveLength(2);
    expect(await lossy.generate('x', { ...request, n: 1 })).toHaveLength(1);
  });
});
