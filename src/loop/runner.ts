// The SAI-DPO loop as a resumable state machine. A run is its config plus the saved outputs of its completed
// stages (see plan.ts); run() executes the first stage with no output, saves it, and goes on. Each stage (stages/)
// reads only saved outputs, so a run stopped anywhere (a reload, a crash, a lost device) resumes by running that
// stage again. The policy of a resumed run is the base model with the adapters of the completed iterations folded
// in, in order (Trainer.restore).
import type { Problem } from '../data/problem.ts';
import type { Embedder } from '../data/tagging/embedder.ts';
import { probeSize } from '../sampling/stratified.ts';
import { judge } from '../verify/index.ts';
import type { Completion } from './backend.ts';
import { configDifferences, parseConfig, type ExperimentConfig } from './config.ts';
import { stageKey, type LoopListener, type StageName, type StageRef } from './events.ts';
import type { JudgedCompletion } from './pairs.ts';
import { nextStage, stagePlan } from './plan.ts';
import type { Policy } from './policy.ts';
import type { TextReader } from './problem-sets.ts';
import { expectedUnits, RunProgress } from './progress.ts';
import type { PoolOutput, TrainOutput } from './stage-outputs.ts';
import { round, stageSeed, type Report, type Sampling, type StageContext, type StageResult } from './stages/context.ts';
import { difficultyStage } from './stages/difficulty.ts';
import { evalStage } from './stages/eval.ts';
import { pairsStage } from './stages/pairs.ts';
import { probeStage } from './stages/probe.ts';
import { sampleStage } from './stages/sample.ts';
import { clustersStage, embeddingsStage, poolStage, tagsStage } from './stages/setup.ts';
import { trainStage } from './stages/train.ts';
import type { RunStore } from './store.ts';
import type { SavedAdapter } from './trainer.ts';

export type { Policy } from './policy.ts';
export type * from './stage-outputs.ts';
export { stageSeed } from './stages/context.ts';

/** What the loop needs from where it runs (Node or a worker). */
export interface LoopEnvironment {
  store: RunStore;
  /** the knowledge embedder (config.embedding) */
  embedder(config: ExperimentConfig): Promise<Embedder>;
  /** loads the base policy (config.model) */
  policy(config: ExperimentConfig): Promise<Policy>;
  /** reads pool.file / heldOut.file */
  readText?: TextReader;
  /** seconds, for timing (default: performance.now) */
  clock?: () => number;
}

/** Stops a run now: the stage in progress is abandoned, nothing of it is saved. */
export class RunStopped extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'RunStopped';
  }
}

const STAGES: Record<StageName, (ctx: StageContext) => Promise<StageResult>> = {
  pool: poolStage,
  tags: tagsStage,
  embeddings: embeddingsStage,
  clusters: clustersStage,
  probe: probeStage,
  difficulty: difficultyStage,
  sample: sampleStage,
  pairs: pairsStage,
  train: trainStage,
  eval: evalStage,
};

/** Outputs every later stage reads: kept in memory once loaded. */
const CACHED = new Set(['pool', 'tags', 'clusters', 'embeddings']);

export interface RunControl {
  signal?: AbortSignal;
  /** checked between stages: true stops after the stage in progress */
  shouldPause?: () => boolean;
  /** run at most this many stages (step mode) */
  maxStages?: number;
}

export class LoopRunner {
  readonly config: ExperimentConfig;
  private policy: Policy | null = null;
  private readonly clock: () => number;
  private progress: RunProgress | null = null;
  private cache = new Map<string, unknown>();
  private lastProgressAt = 0;

  private constructor(private readonly env: LoopEnvironment, readonly runId: string, config: ExperimentConfig, private readonly listen: LoopListener) {
    this.config = config;
    this.clock = env.clock ?? (() => performance.now() / 1000);
  }

  /**
   * Opens a run: a new one saves its config; an existing one must have the same config (name aside), else the
   * resume is refused naming the keys that differ.
   */
  static async open(env: LoopEnvironment, runId: string, configInput: unknown, listen: LoopListener = () => {}): Promise<LoopRunner> {
    const config = parseConfig(configInput);
    const saved = await env.store.get<unknown>(runId, 'config');
    if (saved !== undefined) {
      const differences = configDifferences(parseConfig(saved), config);
      if (differences.length > 0) {
        throw new Error(`run "${runId}" was made with a different config; these keys differ: ${differences.join(', ')} (start a new run, or use the saved config)`);
      }
    } else {
      await env.store.put(runId, 'config', config);
    }
    return new LoopRunner(env, runId, config, listen);
  }

  /** Opens an existing run with its saved config. */
  static async resume(env: LoopEnvironment, runId: string, listen: LoopListener = () => {}): Promise<LoopRunner> {
    const saved = await env.store.get<unknown>(runId, 'config');
    if (saved === undefined) throw new Error(`no run "${runId}" in the store (it has no config)`);
    return LoopRunner.open(env, runId, saved, listen);
  }

  async next(): Promise<StageRef | null> {
    return nextStage(this.env.store, this.runId, stagePlan(this.config));
  }

  /** Runs stages until the run is complete, paused, stopped or `maxStages` ran. Returns the next stage (null: done). */
  async run(control: RunControl = {}): Promise<StageRef | null> {
    const plan = stagePlan(this.config);
    let ran = 0;
    this.listen({ type: 'state', state: 'running' });
    try {
      for (;;) {
        const ref = await nextStage(this.env.store, this.runId, plan);
        if (!ref) {
          this.listen({ type: 'state', state: 'finished' });
          return null;
        }
        if ((control.maxStages !== undefined && ran >= control.maxStages) || control.shouldPause?.()) {
          this.listen({ type: 'state', state: 'paused' });
          return ref;
        }
        await this.initProgress(plan, ref);
        await this.runStage(ref, control.signal);
        ran++;
      }
    } catch (error) {
      // the policy may hold a half-trained adapter (or sit on a lost device): load it afresh next time
      await this.releasePolicy().catch(() => {});
      if (error instanceof RunStopped || control.signal?.aborted) {
        this.listen({ type: 'state', state: 'stopped' });
        throw error instanceof RunStopped ? error : new RunStopped();
      }
      this.listen({ type: 'state', state: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.releasePolicy();
  }

  private async releasePolicy(): Promise<void> {
    const policy = this.policy;
    this.policy = null;
    await policy?.dispose();
  }

  private async initProgress(plan: StageRef[], current: StageRef): Promise<void> {
    if (this.progress) return;
    const n = await this.probeSize();
    const units = plan.map((r) => expectedUnits(this.config, r, n));
    const at = plan.findIndex((r) => stageKey(r) === stageKey(current));
    this.progress = new RunProgress(units.reduce((a, b) => a + b, 0), units.slice(0, at).reduce((a, b) => a + b, 0));
  }

  private async probeSize(): Promise<number> {
    const pool = await this.env.store.get<PoolOutput>(this.runId, 'pool');
    return probeSize(pool?.problems.length ?? this.config.pool.count, this.config.probe);
  }

  private async load<T>(key: string): Promise<T> {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = await this.env.store.get<T>(this.runId, key);
    if (value === undefined) throw new Error(`run "${this.runId}": the saved output "${key}" is missing (the run's folder or database was changed)`);
    if (CACHED.has(key)) this.cache.set(key, value);
    return value;
  }

  private async embeddings(): Promise<Float32Array> {
    const bytes = await this.load<Uint8Array>('embeddings');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  private reporter(ref: StageRef, started: number, expected: number): Report {
    return (done, total, message) => {
      const now = this.clock();
      if (done < total && now - this.lastProgressAt < 0.25) return;
      this.lastProgressAt = now;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const elapsed = now - started;
      const partialUnits = fraction * expected;
      this.listen({
        type: 'progress',
        stage: ref.stage,
        iteration: ref.iteration,
        fraction,
        runFraction: this.progress!.fraction(partialUnits),
        stageEtaSeconds: fraction > 0 && fraction < 1 ? (elapsed / fraction) * (1 - fraction) : fraction >= 1 ? 0 : null,
        etaSeconds: this.progress!.eta(partialUnits, elapsed),
        message,
      });
    };
  }

  /** The policy, loaded on first use; a resumed run folds in the adapters of its completed iterations. */
  private async getPolicy(ref: StageRef): Promise<Policy> {
    if (this.policy) return this.policy;
    const policy = await this.env.policy(this.config);
    try {
      const lastTrained = ref.stage === 'eval' ? ref.iteration : ref.iteration - 1;
      const adapters: SavedAdapter[] = [];
      for (let j = 1; j <= lastTrained; j++) {
        const train = await this.load<TrainOutput>(`iter-${j}/train`);
        if (!train.hasAdapter) continue;
        adapters.push({ iteration: j, safetensors: await this.load<Uint8Array>(`iter-${j}/adapter`), configJson: await this.load<string>(`iter-${j}/adapter-config`) });
      }
      if (adapters.length > 0) {
        const which = adapters.map((a) => a.iteration).join(', ');
        if (!policy.trainer.restore) throw new Error(`trainer "${policy.trainer.name}" cannot restore the adapters of iterations ${which}`);
        await policy.trainer.restore(adapters);
        this.listen({ type: 'log', level: 'info', message: `policy restored: base model + adapters of iterations ${which}`, stage: ref.stage, iteration: ref.iteration });
      }
    } catch (error) {
      await policy.dispose();
      throw error;
    }
    this.policy = policy;
    return policy;
  }

  private context(ref: StageRef, report: Report, signal: AbortSignal | undefined): StageContext {
    const check = () => {
      if (signal?.aborted) throw new RunStopped();
    };
    return {
      config: this.config,
      ref,
      seed: stageSeed(this.config, stageKey(ref)),
      signal,
      load: (key) => this.load(key),
      loadIfSaved: async (key) => ((await this.env.store.has(this.runId, key)) ? this.load(key) : undefined),
      embeddings: () => this.embeddings(),
      embedder: () => this.env.embedder(this.config),
      readText: this.env.readText,
      policy: () => this.getPolicy(ref),
      generate: async (prompts: string[], n: number, sampling: Sampling, seed: number, onReport?: Report): Promise<Completion[][]> => {
        if (prompts.length === 0) return [];
        const policy = await this.getPolicy(ref);
        const progress = onReport ?? ((done, total) => report(done, total, `answers ${done}/${total}`));
        return policy.backend.generate({ prompts, n, sampling, seed, signal, onProgress: (done, total) => progress(done, total) });
      },
      judgeAnswers: (problem: Problem, answers: Completion[]): JudgedCompletion[] =>
        answers.map((a) => ({ text: a.text, tokens: a.tokens, correct: judge(a.text, problem.answer, { mode: this.config.judge.mode }).equal })),
      save: (key, value) => this.env.store.put(this.runId, key, value),
      report,
      log: (level, message) => this.listen({ type: 'log', level, message, stage: ref.stage, iteration: ref.iteration }),
      emit: (event) => this.listen(event),
      check,
    };
  }

  private async runStage(ref: StageRef, signal?: AbortSignal): Promise<void> {
    const started = this.clock();
    const expected = expectedUnits(this.config, ref, ref.stage === 'pool' ? probeSize(this.config.pool.count, this.config.probe) : await this.probeSize());
    const report = this.reporter(ref, started, expected);
    this.listen({ type: 'stage-start', stage: ref.stage, iteration: ref.iteration });
    report(0, 1);
    const ctx = this.context(ref, report, signal);
    ctx.check();
    const { value, summary } = await STAGES[ref.stage](ctx);
    ctx.check();
    await this.env.store.put(this.runId, stageKey(ref), value);
    const seconds = this.clock() - started;
    this.progress!.finish(expected, seconds);
    report(1, 1);
    this.listen({ type: 'stage-done', stage: ref.stage, iteration: ref.iteration, seconds: round(seconds, 3), resumed: false, summary });
  }
}
