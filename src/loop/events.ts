// What the loop tells its listeners (the page through the worker, the CLI on stderr): plain, structured-cloneable
// objects. The loop only emits; listeners only listen.
import type { StepMetrics } from './trainer.ts';

/** Stages that run once per run, before the first iteration. */
export const SETUP_STAGES = ['pool', 'tags', 'embeddings', 'clusters'] as const;
/**
 * Outputs saved beside a stage's own that count as no stage: the clusters stage's K-means centroids, and the
 * held-out problems' clusters the first evaluation saves (held-out-clusters.ts).
 */
export const CENTROIDS_KEY = 'clusters-centroids';
export const HELD_OUT_CLUSTERS_KEY = 'held-out-clusters';
export const SUPPORT_KEYS: readonly string[] = [CENTROIDS_KEY, HELD_OUT_CLUSTERS_KEY];
/** Stages that run in every iteration, in this order. */
export const ITERATION_STAGES = ['probe', 'difficulty', 'sample', 'pairs', 'train', 'eval'] as const;

export type SetupStage = (typeof SETUP_STAGES)[number];
export type IterationStage = (typeof ITERATION_STAGES)[number];
export type StageName = SetupStage | IterationStage;

/** One stage of one iteration; iteration 0 is the setup (and the evaluation of the base model). */
export interface StageRef {
  stage: StageName;
  iteration: number;
}

/** Store key of a stage's output: "pool", "clusters", "iter-2/probe", "iter-0/eval". */
export function stageKey(ref: StageRef): string {
  return ref.iteration === 0 && (SETUP_STAGES as readonly string[]).includes(ref.stage) ? ref.stage : `iter-${ref.iteration}/${ref.stage}`;
}

export interface ProgressEvent {
  type: 'progress';
  stage: StageName;
  iteration: number;
  /** done within this stage, 0..1 */
  fraction: number;
  /** done within the whole run, 0..1 (stages weighted by their expected cost) */
  runFraction: number;
  /** seconds left in this stage, from its own pace so far; null until it can be told */
  stageEtaSeconds: number | null;
  /** seconds left in the whole run; null until it can be told */
  etaSeconds: number | null;
  /** e.g. "answers 96/256" */
  message?: string;
}

export interface StageStartEvent {
  type: 'stage-start';
  stage: StageName;
  iteration: number;
}

/** A stage finished and its output is saved. `summary` holds its scalar results (what metrics.jsonl records). */
export interface StageDoneEvent {
  type: 'stage-done';
  stage: StageName;
  iteration: number;
  seconds: number;
  /** true when the output was already in the store (a resumed run) */
  resumed: boolean;
  summary: Record<string, number | string | boolean | null>;
}

/** One optimizer step of DPO, with TRL's metric names. */
export interface TrainStepEvent {
  type: 'train-step';
  iteration: number;
  metrics: StepMetrics;
  /** optimizer steps this iteration */
  totalSteps: number;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warn';
  message: string;
  stage?: StageName;
  iteration?: number;
}

export type RunState = 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

export interface StateEvent {
  type: 'state';
  state: RunState;
  /** the error message when failed */
  error?: string;
}

export type LoopEvent = ProgressEvent | StageStartEvent | StageDoneEvent | TrainStepEvent | LogEvent | StateEvent;

export type LoopListener = (event: LoopEvent) => void;
