// What the loop worker (workers/loop.worker.ts) offers the page through comlink. Plain data only; callbacks cross
// as Comlink.proxy(...). Runs live in the worker's IndexedDB store, so a reload finds them again: the page lists
// runs and calls start(runId) to go on from the first stage with no saved output.
import type { ConfigInput, ExperimentConfig } from './config.ts';
import type { LoopEvent, RunState, StageRef } from './events.ts';
import type { RunSummary } from './store.ts';

export interface RunStatus {
  runId: string;
  config: ExperimentConfig;
  /** the next stage to run; null when the run is complete */
  next: StageRef | null;
  /** stage keys saved so far */
  saved: string[];
  state: RunState | 'idle';
}

export interface LoopWorkerApi {
  ping(): 'pong';
  /** Checks the config (a ConfigError message names every bad key) and creates a run; returns its id. */
  create(config: ConfigInput, name?: string): Promise<string>;
  /** Runs (or resumes) `runId` until it is finished, paused or stopped; events arrive through `onEvent`. */
  start(runId: string, onEvent: (event: LoopEvent) => void): Promise<RunStatus>;
  /** Runs exactly one stage (the next one) of `runId`. */
  step(runId: string, onEvent: (event: LoopEvent) => void): Promise<RunStatus>;
  /** Stops after the stage in progress has saved its output. */
  pause(): Promise<void>;
  /** Stops now: the stage in progress is abandoned (its output is not saved); saved stages stay. */
  stop(): Promise<void>;
  status(runId: string): Promise<RunStatus>;
  listRuns(): Promise<RunSummary[]>;
  /** A saved stage output, e.g. "clusters", "iter-1/eval". */
  getStage(runId: string, key: string): Promise<unknown>;
  deleteRun(runId: string): Promise<void>;
  /** Gives a run a new display name (its id and saved stages stay). */
  renameRun(runId: string, name: string): Promise<void>;
  exportRun(runId: string): Promise<Uint8Array>;
  importRun(bytes: Uint8Array): Promise<string>;
  /**
   * Diagnostic, for testing recovery: destroys the worker's GPU device (the policy's), as a driver reset would; the
   * run in progress then fails as on a real device loss and its saved stages stay. False when no model is loaded.
   */
  loseDevice(): Promise<boolean>;
}
