// The loop worker's logic (workers/loop.worker.ts is a thin comlink endpoint over it): runs live in the store,
// one run executes at a time, and pause / stop / step control it from the page.
import { parseConfig, type ConfigInput } from './config.ts';
import type { LoopEvent, RunState } from './events.ts';
import { nextStage, stagePlan } from './plan.ts';
import { LoopRunner, RunStopped, type LoopEnvironment } from './runner.ts';
import type { LoopWorkerApi, RunStatus } from './worker-api.ts';

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const r = [...crypto.getRandomValues(new Uint8Array(3))].map((b) => b.toString(16).padStart(2, '0')).join(''); // an id, not an experiment's randomness
  return `run-${t}-${r}`;
}

export class LoopService implements LoopWorkerApi {
  private active: { runId: string; runner: LoopRunner; abort: AbortController; pause: boolean; done: Promise<unknown> } | null = null;
  private states = new Map<string, RunState>();

  /** `env.loseDevice` serves the loseDevice() diagnostic where the environment can reach its device */
  constructor(private readonly env: LoopEnvironment & { loseDevice?: () => Promise<boolean> }) {}

  ping(): 'pong' {
    return 'pong';
  }

  async create(config: ConfigInput, name?: string): Promise<string> {
    const parsed = parseConfig(config);
    const runId = newRunId();
    await this.env.store.put(runId, 'config', parsed);
    if (name) await this.env.store.renameRun(runId, name);
    return runId;
  }

  private async execute(runId: string, onEvent: (e: LoopEvent) => void, maxStages?: number): Promise<RunStatus> {
    if (this.active) throw new Error(`run "${this.active.runId}" is running; pause or stop it first`);
    const listen = (e: LoopEvent) => {
      if (e.type === 'state') this.states.set(runId, e.state);
      onEvent(e);
    };
    const runner = await LoopRunner.resume(this.env, runId, listen);
    const abort = new AbortController();
    const active = { runId, runner, abort, pause: false, done: Promise.resolve() as Promise<unknown> };
    this.active = active;
    const work = runner.run({ signal: abort.signal, shouldPause: () => active.pause, maxStages });
    active.done = work.catch(() => {});
    try {
      await work;
    } catch (error) {
      if (!(error instanceof RunStopped)) throw error;
    } finally {
      await runner.dispose();
      this.active = null;
    }
    return this.status(runId);
  }

  start(runId: string, onEvent: (event: LoopEvent) => void): Promise<RunStatus> {
    return this.execute(runId, onEvent);
  }

  step(runId: string, onEvent: (event: LoopEvent) => void): Promise<RunStatus> {
    return this.execute(runId, onEvent, 1);
  }

  async pause(): Promise<void> {
    if (this.active) this.active.pause = true;
  }

  async stop(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.abort.abort(new RunStopped());
    await active.done;
  }

  async status(runId: string): Promise<RunStatus> {
    const saved = await this.env.store.get(runId, 'config');
    if (saved === undefined) throw new Error(`no run "${runId}"`);
    const config = parseConfig(saved);
    const next = await nextStage(this.env.store, runId, stagePlan(config));
    const state = this.active?.runId === runId ? 'running' : this.states.get(runId) ?? 'idle';
    return { runId, config, next, saved: await this.env.store.keys(runId), state };
  }

  listRuns() {
    return this.env.store.listRuns();
  }

  getStage(runId: string, key: string): Promise<unknown> {
    return this.env.store.get(runId, key);
  }

  async deleteRun(runId: string): Promise<void> {
    if (this.active?.runId === runId) throw new Error(`run "${runId}" is running; stop it first`);
    await this.env.store.deleteRun(runId);
  }

  async renameRun(runId: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a run name cannot be empty');
    if ((await this.env.store.get(runId, 'config')) === undefined) throw new Error(`no run "${runId}"`);
    await this.env.store.renameRun(runId, trimmed);
  }

  exportRun(runId: string): Promise<Uint8Array> {
    return this.env.store.exportRun(runId);
  }

  importRun(bytes: Uint8Array): Promise<string> {
    return this.env.store.importRun(bytes);
  }

  async loseDevice(): Promise<boolean> {
    return (await this.env.loseDevice?.()) ?? false;
  }
}
