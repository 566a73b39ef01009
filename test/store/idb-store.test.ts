// The IndexedDB run store in real Chromium: put/get of JSON and bytes, keys, runs, export/import.
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../browser/build-app.ts';
import { launchChromium, type ChromiumSession } from '../browser/chromium.ts';
import { serveStatic, type StaticServer } from '../browser/static-server.ts';

let dist = '';
let server: StaticServer;
let browser: ChromiumSession;
let page: Page;

type Result = { ok: true; value: unknown } | { ok: false; name: string; message: string };

beforeAll(async () => {
  dist = await buildApp(['test/store/page/idb-store.html']);
  server = await serveStatic(dist);
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${server.origin}/test/store/page/idb-store.html`);
  await page.waitForFunction(() => document.title === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

function call(db: string, method: string, ...args: unknown[]): Promise<Result> {
  return page.evaluate(([d, m, a]) => (window as any).idbStore.call(d, m, ...(a as unknown[])), [db, method, args] as const);
}

describe('IndexedDB run store (Chromium)', () => {
  it('puts and gets JSON and bytes, lists keys and runs, renames and deletes', async () => {
    expect(await call('t1', 'put', 'r1', 'pool', { problems: [1, 2] })).toEqual({ ok: true });
    const put = await page.evaluate(() => (window as any).idbStore.call('t1', 'put', 'r1', 'iter-1/adapter', (window as any).idbStore.bytes([1, 2, 3])));
    expect(put).toEqual({ ok: true });
    expect(await call('t1', 'get', 'r1', 'pool')).toEqual({ ok: true, value: { problems: [1, 2] } });
    expect(await call('t1', 'get', 'r1', 'iter-1/adapter')).toEqual({ ok: true, value: { bytes: [1, 2, 3] } });
    expect(await call('t1', 'has', 'r1', 'nope')).toEqual({ ok: true, value: false });
    expect(await call('t1', 'keys', 'r1')).toEqual({ ok: true, value: ['iter-1/adapter', 'pool'] });
    expect(await call('t1', 'renameRun', 'r1', 'first')).toEqual({ ok: true });
    const runs = (await call('t1', 'listRuns')) as { ok: true; value: { id: string; name: string; stages: string[] }[] };
    expect(runs.value.map((r) => [r.id, r.name, r.stages])).toEqual([['r1', 'first', ['iter-1/adapter', 'pool']]]);
    const bad = await call('t1', 'put', 'r1', '../x', 1);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/bad key/) });
  });

  it('exports a run to one file and imports it back under a fresh id', async () => {
    const result = await page.evaluate(async () => {
      const api = (window as any).idbStore;
      const exported = await api.call('t1', 'exportRun', 'r1');
      const bytes = api.bytes(exported.value.bytes);
      const first = await api.call('t2', 'importRun', bytes);
      const second = await api.call('t2', 'importRun', bytes);
      const adapter = await api.call('t2', 'get', first.value, 'iter-1/adapter');
      return { first: first.value, second: second.value, adapter: adapter.value };
    });
    expect(result).toEqual({ first: 'r1', second: 'r1-2', adapter: { bytes: [1, 2, 3] } });
    expect(await call('t2', 'deleteRun', 'r1-2')).toEqual({ ok: true });
    expect(((await call('t2', 'listRuns')) as { value: unknown[] }).value).toHaveLength(1);
  });
});
