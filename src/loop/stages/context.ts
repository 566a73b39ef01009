// What a stage gets from the runner: the config, its own seed, saved outputs, the policy, generation with progress
// and abort wired in, the verifier, and the event channel. Stages return their output and a scalar summary; the
// runner saves the output and reports the summary.
import { hashString, mixSeed } from '../../data/curriculum/rng.ts';
import type { Problem } from '../../data/problem.ts';
import type { Embedder } from '../../data/tagging/embedder.ts';
import type { Completion } from '../backend.ts';
import type { ExperimentConfig } from '../config.ts';
import type { LoopEvent, StageRef } from '../events.ts';
import type { JudgedCompletion } from '../pairs.ts';
import type { TextReader } from '../problem-sets.ts';
import type { Policy } from '../policy.ts';

export type Summary = Record<string, number | string | boolean | null>;

export interface StageResult {
  value: unknown;
  summary: Summary;
}

/** done / total of the stage's work, with a short note ("answers 96/256") */
export type Report = (done: number, total: number, message?: string) => void;

export interface Sampling {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export interface StageContext {
  config: ExperimentConfig;
  ref: StageRef;
  /** this stage's seed: the run's seed mixed with the stage's key */
  seed: number;
  /** a saved output; an error naming the key when it is missing */
  load<T>(key: string): Promise<T>;
  /** a saved output, undefined when it is not saved (outputs that runs made before them lack) */
  loadIfSaved<T>(key: string): Promise<T | undefined>;
  /** the saved embeddings as [n, dim] */
  embeddings(): Promise<Float32Array>;
  embedder(): Promise<Embedder>;
  readText?: TextReader;
  policy(): Promise<Policy>;
  /** completions from the policy, reporting progress and honouring a stop */
  generate(prompts: string[], n: number, sampling: Sampling, seed: number, report?: Report): Promise<Completion[][]>;
  /** every answer judged against the problem's gold answer (config.judge) */
  judgeAnswers(problem: Problem, answers: Completion[]): JudgedCompletion[];
  /** saves an output besides the stage's own (written before it, e.g. an adapter) */
  save(key: string, value: unknown): Promise<void>;
  report: Report;
  log(level: 'info' | 'warn', message: string): void;
  emit(event: LoopEvent): void;
  /** throws RunStopped when the run was stopped */
  check(): void;
  /** aborts when the run is stopped */
  signal?: AbortSignal;
}

export const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** The seed of one stage: the run's seed mixed with the stage's key, so each stage repeats on its own. */
export function stageSeed(config: ExperimentConfig, key: string): number {
  return mixSeed(config.seed, hashString(key));
}
