// The external trainer (Node): each iteration writes a hand-off folder (TRL-format pairs, the problems, a DPOTrainer
// config and script, an OpenRLHF script; trl-export.ts) and waits for the new checkpoint, given on the command line
// or written into the folder's CHECKPOINT file, which it polls. The checkpoint of every iteration is recorded in
// trainer-state.json, so a resumed run trains iteration i from the checkpoint of iteration i - 1 and does not wait
// again for an iteration whose checkpoint is already there.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DpoPair, StepMetrics, Trainer, TrainResult, TrainSettings } from '../loop/trainer.ts';
import { dpoConfig, handoffReadme, HANDOFF_FILES, openRlhfScript, pairsJsonl, problemsJsonl, TRL_SCRIPT, type ExportSettings } from './trl-export.ts';
import { sleep } from './http.ts';

/** A policy the loop can use: the weights' location (for training) and/or the name a server answers under. */
export interface Checkpoint {
  path?: string;
  model?: string;
}

export interface ExternalTrainerOptions {
  /** where the iteration folders go (iter-1/, iter-2/, ...) */
  dir: string;
  /** the starting policy: its weights (a folder or hub id, for the first iteration's training) and served name */
  base: Checkpoint;
  /** a checkpoint given on the command line: taken by the first iteration that would wait */
  checkpoint?: string;
  /** how often the CHECKPOINT file is looked for; default 2000 ms */
  pollMs?: number;
  /** give up waiting after this long; default: wait until stopped */
  waitTimeoutMs?: number;
  /** makes the checkpoint the policy the generation backend answers with (e.g. switch the served model name) */
  onCheckpoint?: (checkpoint: Checkpoint, iteration: number) => Promise<void> | void;
  /** progress lines (the CLI prints them on stderr) */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** extra settings for the exported config */
  maxLength?: number;
  perDeviceBatchSize?: number;
}

interface TrainerState {
  /** checkpoint after each iteration, by iteration number */
  checkpoints: Record<string, Checkpoint>;
}

const STATE_FILE = 'trainer-state.json';

export class ExternalTrainer implements Trainer {
  readonly name = 'external (TRL / OpenRLHF hand-off)';
  private pendingCommandLine: string | undefined;
  private sampled = new Map<number, { id: string; prompt?: string }[]>();

  constructor(private readonly options: ExternalTrainerOptions) {
    if (!options.base.path && !options.base.model) throw new Error('base: the starting model needs a path or a served model name');
    this.pendingCommandLine = options.checkpoint;
    mkdirSync(options.dir, { recursive: true });
  }

  /** The sampled problems of an iteration, written to problems.jsonl with those that gave no pair; optional. */
  noteSampledProblems(iteration: number, problems: { id: string; prompt?: string }[]): void {
    this.sampled.set(iteration, problems);
  }

  /** The policy after `iteration` (0: the base), as recorded so far. */
  policyAfter(iteration: number): Checkpoint {
    for (let i = iteration; i >= 1; i--) {
      const c = this.readState().checkpoints[String(i)];
      if (c) return c;
    }
    return this.options.base;
  }

  async train(iteration: number, pairs: DpoPair[], settings: TrainSettings, onStep?: (m: StepMetrics) => void): Promise<TrainResult> {
    if (!Number.isInteger(iteration) || iteration < 1) throw new Error(`iteration must be a positive integer, got ${iteration}`);
    const iterDir = resolve(this.options.dir, `iter-${iteration}`);
    const previous = this.policyAfter(iteration - 1);
    const modelPath = previous.path ?? previous.model!;
    this.writeHandoff(iteration, iterDir, pairs, { ...settings, modelPath, maxLength: this.options.maxLength, perDeviceBatchSize: this.options.perDeviceBatchSize });
    if (pairs.length === 0) {
      this.log(`iteration ${iteration}: no pairs, nothing to train; the policy stays ${describe(previous)}`);
      return { steps: [] };
    }
    const recorded = this.readState().checkpoints[String(iteration)];
    const checkpoint = recorded ?? (await this.waitForCheckpoint(iteration, iterDir));
    if (!recorded) this.record(iteration, checkpoint);
    await this.options.onCheckpoint?.(checkpoint, iteration);
    const steps = readMetrics(join(iterDir, HANDOFF_FILES.metrics));
    for (const s of steps) onStep?.(s);
    return { steps };
  }

  private writeHandoff(iteration: number, iterDir: string, pairs: DpoPair[], settings: ExportSettings): void {
    mkdirSync(iterDir, { recursive: true });
    writeAtomically(join(iterDir, HANDOFF_FILES.pairs), pairsJsonl(pairs));
    writeAtomically(join(iterDir, HANDOFF_FILES.problems), problemsJsonl(pairs, this.sampled.get(iteration)));
    writeAtomically(join(iterDir, HANDOFF_FILES.config), JSON.stringify(dpoConfig(settings, iteration), null, 2) + '\n');
    writeAtomically(join(iterDir, HANDOFF_FILES.script), TRL_SCRIPT, 0o755);
    writeAtomically(join(iterDir, HANDOFF_FILES.openrlhf), openRlhfScript(settings, iterDir), 0o755);
    writeAtomically(join(iterDir, HANDOFF_FILES.readme), handoffReadme(iteration, iterDir, settings.modelPath, pairs.length));
  }

  private async waitForCheckpoint(iteration: number, iterDir: string): Promise<Checkpoint> {
    const file = join(iterDir, HANDOFF_FILES.checkpoint);
    if (this.pendingCommandLine !== undefined) {
      const given = parseCheckpoint(this.pendingCommandLine, '--checkpoint');
      this.pendingCommandLine = undefined;
      writeAtomically(file, JSON.stringify(given) + '\n');
      this.log(`iteration ${iteration}: using the checkpoint given on the command line, ${describe(given)}`);
      return given;
    }
    this.log(`iteration ${iteration}: ${iterDir} holds the pairs and the training scripts.`);
    this.log(`  train with:  cd ${iterDir} && accelerate launch ${HANDOFF_FILES.script}   (or bash ${HANDOFF_FILES.openrlhf})`);
    this.log(`  waiting for ${file} (a path or a served model name; the scripts write it when they finish)`);
    const pollMs = this.options.pollMs ?? 2000;
    const started = Date.now();
    for (;;) {
      this.options.signal?.throwIfAborted();
      const found = readCheckpointFile(file);
      if (found) {
        this.log(`iteration ${iteration}: new checkpoint ${describe(found)}`);
        return found;
      }
      if (this.options.waitTimeoutMs !== undefined && Date.now() - started > this.options.waitTimeoutMs) {
        throw new Error(`iteration ${iteration}: no checkpoint in ${file} after ${Math.round(this.options.waitTimeoutMs / 1000)} s; train, write the file, then run again with --resume`);
      }
      await sleep(pollMs, this.options.signal);
    }
  }

  private readState(): TrainerState {
    const file = join(this.options.dir, STATE_FILE);
    if (!existsSync(file)) return { checkpoints: {} };
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as TrainerState;
      if (typeof state?.checkpoints !== 'object' || state.checkpoints === null) throw new Error('no "checkpoints" object');
      return state;
    } catch (error) {
      throw new Error(`${file} is damaged (${error instanceof Error ? error.message : String(error)}); fix or delete it`);
    }
  }

  private record(iteration: number, checkpoint: Checkpoint): void {
    const state = this.readState();
    state.checkpoints[String(iteration)] = checkpoint;
    writeAtomically(join(this.options.dir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/**
 * A checkpoint from text: JSON {"path", "model"} (either or both), or one line that is a path (when such a
 * folder exists) or else a served model name.
 */
export function parseCheckpoint(text: string, where: string): Checkpoint {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error(`${where} is empty: expected a checkpoint path or a served model name`);
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`${where} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const v = value as Checkpoint;
    const checkpoint: Checkpoint = {};
    for (const field of ['path', 'model'] as const) {
      if (v[field] === undefined) continue;
      if (typeof v[field] !== 'string' || v[field] === '') throw new Error(`${where}: field "${field}" must be a non-empty string`);
      checkpoint[field] = v[field];
    }
    if (!checkpoint.path && !checkpoint.model) throw new Error(`${where}: needs a "path" or a "model" field`);
    return checkpoint;
  }
  const line = trimmed.split('\n')[0].trim();
  return isDirectory(line) ? { path: resolve(line) } : { model: line };
}

/** The checkpoint in `file`, or null while it is missing or still being written (empty, or JSON cut short). */
function readCheckpointFile(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return null;
  try {
    return parseCheckpoint(text, file);
  } catch (error) {
    if (text.trim().startsWith('{') && !text.includes('}')) return null; // a write in progress
    throw error;
  }
}

/** TRL's log_history lines (loss, rewards/chosen, ...) as the loop's step metrics; none when the file is absent. */
export function readMetrics(file: string): StepMetrics[] {
  if (!existsSync(file)) return [];
  const steps: StepMetrics[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new Error(`${file} line ${i + 1}: not valid JSON`);
    }
    const metrics: StepMetrics = { step: Number(entry.step ?? steps.length + 1), epoch: Number(entry.epoch ?? 0) };
    for (const [k, v] of Object.entries(entry)) if (k !== 'step' && k !== 'epoch' && typeof v === 'number') metrics[k] = v;
    steps.push(metrics);
  });
  return steps;
}

function describe(c: Checkpoint): string {
  return [c.path ? `path ${c.path}` : '', c.model ? `served as ${c.model}` : ''].filter(Boolean).join(', ');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whole file or nothing: write a temporary file, then rename it over the target. */
function writeAtomically(file: string, text: string, mode = 0o644): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
}
