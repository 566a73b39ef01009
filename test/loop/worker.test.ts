// The loop in its web worker, in real Chromium (WebGPU on SwiftShader): a run is created, started, survives a page
// reload in the middle of an iteration (the worker dies with the page; the run's stages are in IndexedDB), and the
// reloaded page resumes it from its first unsaved stage to the end. About 30 s here when the machine is idle; the
// waits allow for a machine shared with other work (SwiftShader slows down a lot under load).
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../browser/build-app.ts';
import { launchChromium, type ChromiumSession } from '../browser/chromium.ts';
import { serveStatic, type StaticServer } from '../browser/static-server.ts';
import { tinyAnsweringModel, tinyProblemsJsonl } from './tiny-run.ts';

let dist = '';
let server: StaticServer;
let browser: ChromiumSession;
let page: Page;

beforeAll(async () => {
  const model = await tinyAnsweringModel();
  dist = await buildApp(['test/loop/page/worker-run.html']);
  await cp(model, join(dist, 'models', 'loop-test'), { recursive: true });
  await mkdir(join(dist, 'loop-test'), { recursive: true });
  await writeFile(join(dist, 'loop-test', 'pool.jsonl'), tinyProblemsJsonl({ count: 36 }));
  await writeFile(join(dist, 'loop-test', 'held-out.jsonl'), tinyProblemsJsonl({ count: 8, offset: 1000 }));
  server = await serveStatic(dist);
  browser = await launchChromium();
  page = await browser.context.newPage();
  // the loop worker's console and errors go to the same log as the page's
  page.on('worker', (w) => w.on('console', (m) => browser.log.push(`[worker ${m.type()}] ${m.text()}`)));
  await page.goto(`${server.origin}/test/loop/page/worker-run.html`);
  await page.waitForFunction(() => document.title === 'ready');
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    console.log(`browser console:\n${browser?.log.join('\n')}`);
    const state = await page.evaluate(() => {
      const loop = (window as unknown as { loop?: { events: unknown[]; outcome(): unknown } }).loop;
      return loop ? { outcome: loop.outcome(), events: loop.events.slice(-8) } : null;
    }).catch((e: Error) => e.message);
    console.log(`loop: ${JSON.stringify(state)}`);
    console.log(`requests: ${server.requests.join(' ')}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) await rm(dist, { recursive: true, force: true });
});

const CONFIG = {
  seed: 5,
  iterations: 2,
  model: { path: 'loop-test' },
  pool: { source: 'file', file: 'loop-test/pool.jsonl' },
  heldOut: { source: 'file', file: 'loop-test/held-out.jsonl', count: 8 },
  clusters: { k: 3 },
  probe: { minCount: 6, answers: 4, maxNewTokens: 12, temperature: 1 },
  pairs: { answers: 4, maxNewTokens: 12, temperature: 1 },
  budget: { mode: 'problems' },
  sampler: { problems: 8 },
  train: { batchSize: 4, microBatch: 4, epochs: 1, loraRank: 4, learningRate: 1e-3 },
  eval: { maxNewTokens: 12 },
};

type Loop = { api: any; events: { type: string; stage?: string; iteration?: number; state?: string }[]; outcome(): { ok: boolean; error?: string } | null; start(id: string): void };

describe('the loop worker in Chromium', () => {
  it('a run survives a reload mid-iteration and finishes', { timeout: 600_000 }, async () => {
    const runId = await page.evaluate((config) => (window as unknown as { loop: Loop }).loop.api.create(config, 'reload test'), CONFIG);
    await page.evaluate((id) => (window as unknown as { loop: Loop }).loop.start(id), runId);
    // wait until iteration 2 has probed, then reload: one of its later stages is in progress or next (training is
    // fast enough here that even its train stage may finish before the page goes), and the resumed worker must
    // rebuild the policy from the base model and the adapters saved by then
    await page.waitForFunction(() => (window as unknown as { loop: Loop }).loop.events.some((e) => e.type === 'stage-done' && e.stage === 'probe' && e.iteration === 2), undefined, { timeout: 240_000 });
    const trained = await page.evaluate(() => (window as unknown as { loop: Loop }).loop.events.some((e: any) => e.type === 'stage-done' && e.stage === 'train' && e.iteration === 1 && e.summary.skipped === false));
    await page.reload();
    await page.waitForFunction(() => document.title === 'ready');
    const before = await page.evaluate((id) => (window as unknown as { loop: Loop }).loop.api.status(id), runId);
    console.log(`after the reload: next stage ${JSON.stringify(before.next)}, ${before.saved.length} outputs saved`);
    expect(before.saved).toContain('iter-2/probe');
    expect(before.saved).not.toContain('iter-2/eval');
    expect(before.next).not.toBeNull();
    const runs = await page.evaluate(() => (window as unknown as { loop: Loop }).loop.api.listRuns());
    expect(runs.map((r: { id: string; name: string }) => [r.id, r.name])).toContainEqual([runId, 'reload test']);
    await page.evaluate((id) => (window as unknown as { loop: Loop }).loop.start(id), runId);
    await page.waitForFunction(() => (window as unknown as { loop: Loop }).loop.outcome() !== null, undefined, { timeout: 240_000 });
    const outcome = await page.evaluate(() => (window as unknown as { loop: Loop }).loop.outcome());
    expect(outcome).toEqual({ ok: true });
    const after = await page.evaluate((id) => (window as unknown as { loop: Loop }).loop.api.status(id), runId);
    expect(after.next).toBeNull();
    const resumedStages = await page.evaluate(() => (window as unknown as { loop: Loop }).loop.events.filter((e) => e.type === 'stage-done').map((e) => `${e.iteration}/${e.stage}`));
    expect(resumedStages[0]).toBe(`${before.next.iteration}/${before.next.stage}`);
    expect(resumedStages.at(-1)).toBe('2/eval');
    expect(trained).toBe(true);
    const logs = await page.evaluate(() => (window as unknown as { loop: Loop }).loop.events.filter((e: any) => e.type === 'log').map((e: any) => e.message));
    const adapters = [1, 2].filter((i) => before.saved.includes(`iter-${i}/adapter`));
    expect(adapters[0]).toBe(1);
    expect(logs).toContain(`policy restored: base model + adapters of iterations ${adapters.join(', ')}`);
    const evaluation = await page.evaluate((id) => (window as unknown as { loop: Loop }).loop.api.getStage(id, 'iter-2/eval'), runId);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(evaluation.correct).toHaveLength(8);
  });
});
