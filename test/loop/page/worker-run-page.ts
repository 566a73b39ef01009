// Drives the loop worker (workers/loop.worker.ts) for a Chromium test (test/loop/worker.test.ts): window.loop.
import * as Comlink from 'comlink';
import type { LoopEvent } from '../../../src/loop/events.ts';
import type { LoopWorkerApi } from '../../../src/loop/worker-api.ts';

const worker = new Worker(new URL('../../../workers/loop.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<LoopWorkerApi>(worker);
const events: LoopEvent[] = [];
let outcome: { ok: boolean; error?: string } | null = null;

(window as unknown as { loop: unknown }).loop = {
  api,
  events,
  outcome: () => outcome,
  /** starts (or resumes) a run without waiting for it; progress lands in `events`, the end in `outcome()` */
  start(runId: string) {
    outcome = null;
    api.start(runId, Comlink.proxy((e: LoopEvent) => void events.push(e))).then(
      () => (outcome = { ok: true }),
      (error: Error) => (outcome = { ok: false, error: error.message }),
    );
  },
};
document.title = 'ready';
