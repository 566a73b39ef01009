// One SAI-DPO iteration of the page's "Quick demo" preset (src/app/presets.ts, its SAI arm) end to end, stage by
// stage: probe, difficulty, sample, pairs, train (DPO with LoRA), held-out evaluation, and the whole iteration
// (the sum of those stages' seconds). The setup stages (pool, tags, embeddings, clusters) get rows of their own,
// outside the iteration, and so does the base model's evaluation before it (the preset keeps eval.atStart). Two environments, side by side in one run:
// - Node: LoopRunner with nodeEnvironment and a FolderStore in a temporary folder (WebGPU on lavapipe here);
// - Chromium: the real loop worker (workers/loop.worker.ts, runs in IndexedDB) in headless Chromium (SwiftShader
//   here), driven through test/loop/page/worker-run.html in the lab built with Vite and served on 127.0.0.1.
// Stage seconds come from each stage's 'stage-done' event. "whole run" is the wall-clock time from start to the
// end of the run (setup, model loading and the iteration). The bundled tiny-math model; quick mode changes nothing
// (the preset is already the smallest run the page offers).
// `npm run bench -- --only "sai-dpo iteration"` runs both; `--only "iteration (node"` or `"iteration (chromium"` one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig } from '../src/loop/config.ts';
import type { LoopEvent } from '../src/loop/events.ts';
import { nodeEnvironment } from '../src/loop/node-environment.ts';
import { LoopRunner } from '../src/loop/runner.ts';
import { presets } from '../src/app/presets.ts';
import { FolderStore } from '../src/store/folder-store.ts';
import { buildApp } from '../test/browser/build-app.ts';
import { launchChromium } from '../test/browser/chromium.ts';
import { serveStatic } from '../test/browser/static-server.ts';
import type { BenchContext, BenchRow } from './types.ts';
import { wantedEnvironments } from './environments.ts';

export const NODE_GROUP = 'sai-dpo iteration (Node, lavapipe)';
export const CHROMIUM_GROUP = 'sai-dpo iteration (Chromium, SwiftShader)';
export const groups = [NODE_GROUP, CHROMIUM_GROUP];

const BASE_EVAL = 'eval at start (base model)';
const SETUP_STAGES = ['pool', 'tags', 'embeddings', 'clusters'];
const ITERATION_STAGES = ['probe', 'difficulty', 'sample', 'pairs', 'train', 'eval'];
/** The page that drives the loop worker (window.loop), as the worker test uses it. */
const WORKER_PAGE = 'test/loop/page/worker-run.html';
/** Longest the Chromium run may take before the bench gives up on it (SwiftShader on a loaded machine is slow). */
const CHROMIUM_TIMEOUT_MS = 60 * 60_000;

/** The Quick demo preset's SAI arm, on the default model (tiny-math). */
export function quickDemoConfig(): ExperimentConfig {
  const preset = presets().find((p) => p.id === 'quick-demo');
  const arm = preset?.arms.find((a) => a.label === 'sai');
  if (!arm) throw new Error('src/app/presets.ts has no quick-demo preset with an "sai" arm');
  return arm.config;
}

interface StageTimes {
  seconds: Map<string, number>;
  summaries: Map<string, LoopEvent & { type: 'stage-done' }>;
  wallSeconds: number;
}

function collect(events: LoopEvent[], wallSeconds: number): StageTimes {
  const seconds = new Map<string, number>();
  const summaries = new Map<string, LoopEvent & { type: 'stage-done' }>();
  for (const e of events) {
    if (e.type !== 'stage-done') continue;
    // the base model's evaluation before the first iteration (eval.atStart) is a stage of its own here
    const key = e.stage === 'eval' && e.iteration === 0 ? BASE_EVAL : e.stage;
    seconds.set(key, e.seconds);
    summaries.set(key, e);
  }
  return { seconds, summaries, wallSeconds };
}

function stageNote(stage: string, times: StageTimes): string | undefined {
  const summary = times.summaries.get(stage)?.summary;
  if (!summary) return undefined;
  if (stage === 'pairs') return `${summary.pairs} pairs`;
  if (stage === 'train') return `${summary.steps ?? 0} steps${summary.skipped === true ? ' (skipped)' : ''}`;
  if ((stage === 'eval' || stage === BASE_EVAL) && typeof summary.accuracy === 'number') return `held-out accuracy ${(summary.accuracy * 100).toFixed(1)}%`;
  return undefined;
}

function rowsFor(group: string, times: StageTimes, config: ExperimentConfig): BenchRow[] {
  const round = (s: number) => Number(s.toFixed(2));
  const row = (stage: string, kind: string): BenchRow => ({ group, name: `${kind}: ${stage}`, value: round(times.seconds.get(stage) ?? NaN), unit: 's', note: stageNote(stage, times) });
  const iteration = ITERATION_STAGES.reduce((a, s) => a + (times.seconds.get(s) ?? NaN), 0);
  const setup = SETUP_STAGES.reduce((a, s) => a + (times.seconds.get(s) ?? 0), 0);
  const note = `${config.model.path}, "${config.name}": ${config.pool.count} problems (${config.pool.mix}), probe ${config.probe.minCount}×${config.probe.answers}, ${config.sampler.problems} drawn ×${config.pairs.answers}, ${config.heldOut.count} held-out`;
  return [
    ...SETUP_STAGES.map((s) => row(s, 'setup')),
    ...(times.seconds.has(BASE_EVAL) ? [row(BASE_EVAL, 'before')] : []),
    ...ITERATION_STAGES.map((s) => row(s, 'stage')),
    { group, name: 'setup (pool … clusters)', value: round(setup), unit: 's' },
    { group, name: 'one iteration (probe … eval)', value: round(iteration), unit: 's', note },
    { group, name: 'whole run (wall clock: setup, model load, base eval, iteration)', value: round(times.wallSeconds), unit: 's' },
  ];
}

async function runInNode(config: ExperimentConfig, log: (line: string) => void): Promise<StageTimes> {
  const dir = await mkdtemp(join(tmpdir(), 'sai-dpo-iteration-bench-'));
  const events: LoopEvent[] = [];
  const started = performance.now();
  try {
    const runner = await LoopRunner.open(nodeEnvironment({ store: new FolderStore(dir) }), 'bench', config, (e) => {
      events.push(e);
      if (e.type === 'stage-done') log(`  node: ${e.stage} ${e.seconds.toFixed(1)} s`);
    });
    try {
      await runner.run();
    } finally {
      await runner.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return collect(events, (performance.now() - started) / 1000);
}

type PageLoop = { api: { create(config: unknown, name: string): Promise<string> }; events: LoopEvent[]; outcome(): { ok: boolean; error?: string } | null; start(id: string): void };

async function runInChromium(config: ExperimentConfig, log: (line: string) => void): Promise<StageTimes> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const dist = await buildApp([WORKER_PAGE]);
    cleanup.push(() => rm(dist, { recursive: true, force: true }));
    const server = await serveStatic(dist);
    cleanup.push(() => server.close());
    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    const page = await browser.context.newPage();
    page.on('worker', (w) => w.on('console', (m) => browser.log.push(`[worker ${m.type()}] ${m.text()}`)));
    await page.goto(`${server.origin}/${WORKER_PAGE}`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120_000 });
    const runId = await page.evaluate((c) => (window as unknown as { loop: PageLoop }).loop.api.create(c, 'bench'), config as unknown);
    const started = performance.now();
    await page.evaluate((id) => (window as unknown as { loop: PageLoop }).loop.start(id), runId);
    let seen = 0;
    for (;;) {
      const state = await page.evaluate((from) => {
        const loop = (window as unknown as { loop: PageLoop }).loop;
        return { outcome: loop.outcome(), done: loop.events.slice(from).filter((e) => e.type === 'stage-done'), count: loop.events.length };
      }, seen);
      seen = state.count;
      for (const e of state.done) if (e.type === 'stage-done') log(`  chromium: ${e.stage} ${e.seconds.toFixed(1)} s`);
      if (state.outcome) {
        const wall = (performance.now() - started) / 1000;
        if (!state.outcome.ok) throw new Error(`the run failed: ${state.outcome.error}; browser log: ${browser.log.slice(-5).join(' | ')}`);
        const events = await page.evaluate(() => (window as unknown as { loop: PageLoop }).loop.events);
        return collect(events, wall);
      }
      if (performance.now() - started > CHROMIUM_TIMEOUT_MS) {
        // the stages that finished keep their rows; the unfinished ones and the sums read NaN
        log(`  chromium: the run took longer than ${CHROMIUM_TIMEOUT_MS / 60_000} min; stopped`);
        const events = await page.evaluate(() => (window as unknown as { loop: PageLoop }).loop.events);
        return collect(events, NaN);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const config = quickDemoConfig();
  const want = wantedEnvironments(ctx.only, NODE_GROUP, CHROMIUM_GROUP);
  const rows: BenchRow[] = [];
  if (want.node) rows.push(...rowsFor(NODE_GROUP, await runInNode(config, (line) => console.error(line)), config));
  if (want.chromium) {
    // a failure in the browser keeps the Node rows: it becomes a row of its own
    try {
      rows.push(...rowsFor(CHROMIUM_GROUP, await runInChromium(config, (line) => console.error(line)), config));
    } catch (error) {
      rows.push({ group: CHROMIUM_GROUP, name: 'not measured', value: 0, unit: '-', note: `the page failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return rows;
}
