// The SAI-DPO loop as a resumable state machine. A run is its config plus the saved outputs of its completed
// stages (see plan.ts); run() executes the first stage with no output, saves it, and goes on. Each stage reads
// only saved outputs, so a run stopped anywhere (a reload, a crash, a lost device) resumes by running that stage
// again. The policy of a resumed run is the base model with the adapters of the completed iterations folded in
// order (Trainer.restore).
import type { Problem } from '../data/problem.ts';
import type { Embedder } from '../data/tagging/embedder.ts';
import { hashString, mixSeed } from '../data/curriculum/rng.ts';
import { clusterEmbeddings, embedProblems } from '../cluster/cluster-pool.ts';
import { difficultyTable, type DifficultyEntry } from '../difficulty/difficulty.ts';
import { summarizeProbe, type ProblemProbe } from '../difficulty/probe-stats.ts';
import { countSteps } from '../eval/response-shape.ts';
import { formatPrompt } from '../eval/prompt.ts';
import type { ClusterErrors, SamplerProblem } from '../sampling/sampler.ts';
import { makeSampler, numericLabel } from '../sampling/samplers.ts';
import { stratifiedSample, probeSize } from '../sampling/stratified.ts';
import { Rng } from '../util/random.ts';
import { judge } from '../verify/index.ts';
import type { Completion, GenerationBackend } from './backend.ts';
import { candidateCount, usedPrefix } from './budget.ts';
import { configDifferences, parseConfig, type ExperimentConfig } from './config.ts';
import { stageKey, type LoopListener, type StageName, type StageRef } from './events.ts';
import { evaluateHeldOut } from './held-out.ts';
import { buildPair, type JudgedCompletion } from './pairs.ts';
import { nextStage, stagePlan } from './plan.ts';
import { loadProblemSets, type TextReader } from './problem-sets.ts';
import { expectedUnits, RunProgress } from './progress.ts';
import type { RunStore } from './store.ts';
import type { DpoPair, SavedAdapter, StepMetrics, Trainer } from './trainer.ts';
import { tagPool } from './tags.ts';

/** The policy: answers come from `backend`; `trainer` turns pairs into the next policy. */
export interface Policy {
  backend: GenerationBackend;
  trainer: Trainer;
  dispose(): Promise<void> | void;
}

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

// ---- saved stage outputs ------------------------------------------------------------------------------------

export interface PoolOutput {
  problems: Problem[];
  heldOut: Problem[];
  notes: string[];
}
export interface TagsOutput {
  /** knowledge points of every pool problem, pool order */
  tags: string[][];
  given: number;
  zeroShot: number;
  untagged: number;
}
export interface ClustersOutput {
  k: number;
  assignments: number[];
  sizes: number[];
  /** [n, 2] row-major */
  projection: number[];
  embeddingDim: number;
  silhouette: number | null;
  notes: string[];
}
export interface ProbeOutput {
  skipped: boolean;
  seed: number;
  indices: number[];
  answers: JudgedCompletion[][];
  probes: ProblemProbe[];
  clusterErrors: ClusterErrors[];
  generations: number;
  accuracy: number | null;
}
export interface DifficultyOutput {
  skipped: boolean;
  /** pool order; rounded */
  passRate: number[];
  steps: number[];
  tokens: number[];
  score: number[];
  estimated: boolean[];
}
export interface SampleOutput {
  seed: number;
  sampler: string;
  /** pool indices in draw order */
  candidates: number[];
  /** how many of the candidates the budget uses (equal-pairs: up to all, in rounds) */
  used: number;
  clusterWeights: Record<string, number> | null;
  notes: string[];
}
export interface PairsOutput {
  seed: number;
  pairs: DpoPair[];
  /** problems that got K answers */
  sampled: number;
  withPair: number;
  allRight: number;
  allWrong: number;
  /** withPair / sampled */
  pairYield: number;
  /** answers generated in this stage (reused probe answers excluded) */
  generations: number;
  reused: number;
  rounds: number;
}
export interface TrainOutput {
  skipped: boolean;
  reason?: string;
  pairs: number;
  steps: StepMetrics[];
  hasAdapter: boolean;
}
export interface EvalOutput {
  accuracy: number;
  passAtK: number | null;
  perKnowledgePoint: Record<string, { accuracy: number; count: number }>;
  meanSteps: number;
  meanTokens: number;
  /** right answers per held-out problem */
  correct: number[];
}

// --------------------------------------------------------------------------------------------------------------

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

type Summary = Record<string, number | string | boolean | null>;
interface StageResult {
  value: unknown;
  summary: Summary;
}

/** The seed of one stage: the run's seed mixed with the stage's key, so each stage repeats on its own. */
export function stageSeed(config: ExperimentConfig, key: string): number {
  return mixSeed(config.seed, hashString(key));
}

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
    const pool = await this.env.store.get<PoolOutput>(this.runId, 'pool');
    const n = probeSize(pool?.problems.length ?? this.config.pool.count, this.config.probe);
    const units = plan.map((r) => expectedUnits(this.config, r, n));
    const at = plan.findIndex((r) => stageKey(r) === stageKey(current));
    this.progress = new RunProgress(units.reduce((a, b) => a + b, 0), units.slice(0, at).reduce((a, b) => a + b, 0));
  }

  private async load<T>(key: string): Promise<T> {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = await this.env.store.get<T>(this.runId, key);
    if (value === undefined) throw new Error(`run "${this.runId}": the saved output "${key}" is missing (the run's folder or database was changed)`);
    if (key === 'pool' || key === 'tags' || key === 'clusters' || key === 'embeddings') this.cache.set(key, value);
    return value;
  }

  private log(level: 'info' | 'warn', message: string, ref?: StageRef): void {
    this.listen({ type: 'log', level, message, stage: ref?.stage, iteration: ref?.iteration });
  }

  private reporter(ref: StageRef, started: number, expected: number) {
    return (done: number, total: number, message?: string) => {
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

  private async runStage(ref: StageRef, signal?: AbortSignal): Promise<void> {
    const key = stageKey(ref);
    const started = this.clock();
    const pool = ref.stage === 'pool' ? null : await this.load<PoolOutput>('pool');
    const expected = expectedUnits(this.config, ref, probeSize(pool?.problems.length ?? this.config.pool.count, this.config.probe));
    const report = this.reporter(ref, started, expected);
    this.listen({ type: 'stage-start', stage: ref.stage, iteration: ref.iteration });
    report(0, 1);
    const check = () => {
      if (signal?.aborted) throw new RunStopped();
    };
    check();
    const { value, summary } = await this.compute(ref, report, signal, check);
    check();
    await this.env.store.put(this.runId, key, value);
    const seconds = this.clock() - started;
    this.progress!.finish(expected, seconds);
    report(1, 1);
    this.listen({ type: 'stage-done', stage: ref.stage, iteration: ref.iteration, seconds: round(seconds, 3), resumed: false, summary });
  }

  private async compute(
    ref: StageRef, report: (done: number, total: number, message?: string) => void, signal: AbortSignal | undefined, check: () => void,
  ): Promise<StageResult> {
    const c = this.config;
    const i = ref.iteration;
    switch (ref.stage as StageName) {
      case 'pool': {
        const sets = await loadProblemSets(c, this.env.readText);
        for (const note of sets.notes) this.log('warn', note, ref);
        const value: PoolOutput = { problems: sets.pool, heldOut: sets.heldOut, notes: sets.notes };
        return { value, summary: { problems: sets.pool.length, heldOut: sets.heldOut.length } };
      }
      case 'tags': {
        const pool = await this.load<PoolOutput>('pool');
        const value = await tagPool(pool.problems);
        if (value.untagged > 0) this.log('info', `${value.untagged} problems have no knowledge points: their question stands for their knowledge`, ref);
        return { value, summary: { given: value.given, zeroShot: value.zeroShot, untagged: value.untagged } };
      }
      case 'embeddings': {
        const pool = await this.load<PoolOutput>('pool');
        const tags = await this.load<TagsOutput>('tags');
        const embedder = await this.env.embedder(c);
        const tagged = pool.problems.map((p, j) => ({ ...p, knowledge_points: tags.tags[j] }));
        const data = await embedProblems(tagged, embedder, {}, (p) => report(p.done, p.total, `embedded ${p.done}/${p.total}`));
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
        return { value: bytes, summary: { problems: pool.problems.length, dim: embedder.dim } };
      }
      case 'clusters': {
        const pool = await this.load<PoolOutput>('pool');
        const data = await this.embeddings();
        const n = pool.problems.length;
        const dim = data.length / n;
        const result = clusterEmbeddings(data, n, dim, { k: c.clusters.k, kMin: c.clusters.kMin, kMax: c.clusters.kMax, seed: stageSeed(c, 'clusters') }, (p) =>
          report(p.phase === 'project' ? 0.9 : p.phase === 'kmeans' ? 0.5 : 0.1, 1, p.phase));
        for (const note of result.notes) this.log('info', note, ref);
        const best = result.search?.scores?.find((s: { k: number }) => s.k === result.k) as { silhouette?: number } | undefined;
        const value: ClustersOutput = {
          k: result.k,
          assignments: [...result.assignments],
          sizes: [...result.sizes],
          projection: [...result.projection].map((x) => round(x)),
          embeddingDim: dim,
          silhouette: best?.silhouette ?? null,
          notes: result.notes,
        };
        return { value, summary: { k: result.k, silhouette: value.silhouette } };
      }
      case 'probe':
        return this.probe(ref, report, signal);
      case 'difficulty':
        return this.difficulty(i);
      case 'sample':
        return this.sample(ref);
      case 'pairs':
        return this.pairs(ref, report, signal, check);
      case 'train':
        return this.train(ref, report, check);
      case 'eval':
        return this.evaluate(ref, report);
    }
  }

  private async embeddings(): Promise<Float32Array> {
    const bytes = await this.load<Uint8Array>('embeddings');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
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
        const safetensors = await this.load<Uint8Array>(`iter-${j}/adapter`);
        const configJson = await this.load<string>(`iter-${j}/adapter-config`);
        adapters.push({ iteration: j, safetensors, configJson });
      }
      if (adapters.length > 0) {
        if (!policy.trainer.restore) throw new Error(`trainer "${policy.trainer.name}" cannot restore the adapters of iterations ${adapters.map((a) => a.iteration).join(', ')}`);
        await policy.trainer.restore(adapters);
        this.log('info', `policy restored: base model + adapters of iterations ${adapters.map((a) => a.iteration).join(', ')}`, ref);
      }
    } catch (error) {
      await policy.dispose();
      throw error;
    }
    this.policy = policy;
    return policy;
  }

  private async generate(
    ref: StageRef, prompts: string[], n: number, sampling: { temperature: number; topP: number; maxNewTokens: number }, seed: number,
    report: (done: number, total: number, message?: string) => void, signal: AbortSignal | undefined,
  ): Promise<Completion[][]> {
    if (prompts.length === 0) return [];
    const policy = await this.getPolicy(ref);
    return policy.backend.generate({
      prompts, n, sampling, seed, signal,
      onProgress: (done, total) => report(done, total, `answers ${done}/${total}`),
    });
  }

  private judgeAnswers(problem: Problem, answers: Completion[]): JudgedCompletion[] {
    return answers.map((a) => ({ text: a.text, tokens: a.tokens, correct: judge(a.text, problem.answer, { mode: this.config.judge.mode }).equal }));
  }

  private async probe(ref: StageRef, report: (d: number, t: number, m?: string) => void, signal?: AbortSignal): Promise<StageResult> {
    const c = this.config;
    const seed = stageSeed(c, stageKey(ref));
    const sampler = makeSampler(c.sampler.name, c.sampler);
    const clusters = await this.load<ClustersOutput>('clusters');
    const skipped: ProbeOutput = { skipped: true, seed, indices: [], answers: [], probes: [], clusterErrors: [], generations: 0, accuracy: null };
    if (!sampler.needsProbe && c.probe.when === 'if-needed') {
      return { value: skipped, summary: { skipped: true, generations: 0 } };
    }
    const pool = await this.load<PoolOutput>('pool');
    const indices = stratifiedSample(clusters.assignments, c.probe, new Rng(seed));
    const K = c.probe.answers;
    const completions = await this.generate(ref, indices.map((j) => formatPrompt(pool.problems[j])), K,
      { temperature: c.probe.temperature, topP: c.probe.topP, maxNewTokens: c.probe.maxNewTokens }, seed, report, signal);
    const answers = indices.map((j, q) => this.judgeAnswers(pool.problems[j], completions[q]));
    const probes = indices.map((j, q) =>
      summarizeProbe(pool.problems[j].id, clusters.assignments[j], answers[q].map((a, r) => ({ tokens: a.tokens, correct: a.correct, steps: countSteps(completions[q][r].text) }))));
    const errors = new Map<number, ClusterErrors>();
    for (let cl = 0; cl < clusters.k; cl++) errors.set(cl, { cluster: cl, errors: 0, answers: 0 });
    for (const p of probes) {
      const e = errors.get(p.cluster)!;
      e.errors += p.k - p.correct;
      e.answers += p.k;
    }
    const correct = probes.reduce((s, p) => s + p.correct, 0);
    const generations = indices.length * K;
    const accuracy = generations ? correct / generations : null;
    const allRight = probes.filter((p) => p.correct === p.k).length;
    const allWrong = probes.filter((p) => p.correct === 0).length;
    if (probes.length > 0 && (allRight === probes.length || allWrong === probes.length)) {
      this.log('warn', `every probe answer was ${allRight ? 'right' : 'wrong'}: the probe cannot tell the clusters apart, so the sampler's cluster weights are flat (smoothing only)`, ref);
    }
    const value: ProbeOutput = { skipped: false, seed, indices, answers, probes, clusterErrors: [...errors.values()], generations, accuracy };
    return { value, summary: { skipped: false, problems: indices.length, generations, accuracy, allRight, allWrong } };
  }

  private async difficulty(iteration: number): Promise<StageResult> {
    const c = this.config;
    const probe = await this.load<ProbeOutput>(`iter-${iteration}/probe`);
    if (probe.skipped) {
      const value: DifficultyOutput = { skipped: true, passRate: [], steps: [], tokens: [], score: [], estimated: [] };
      return { value, summary: { skipped: true } };
    }
    const pool = await this.load<PoolOutput>('pool');
    const clusters = await this.load<ClustersOutput>('clusters');
    const points = pool.problems.map((p, j) => ({ id: p.id, cluster: clusters.assignments[j] }));
    const data = await this.embeddings();
    const table = difficultyTable(points, probe.probes, data, data.length / points.length, c.difficulty);
    const value: DifficultyOutput = {
      skipped: false,
      passRate: table.map((e) => round(e.passRate)),
      steps: table.map((e) => round(e.steps, 2)),
      tokens: table.map((e) => round(e.tokens, 1)),
      score: table.map((e) => round(e.score)),
      estimated: table.map((e) => e.estimated),
    };
    const meanPass = table.reduce((s, e) => s + e.passRate, 0) / table.length;
    const frontier = table.filter((e) => e.passRate > 0 && e.passRate < 1).length;
    return { value, summary: { skipped: false, meanPassRate: round(meanPass), frontier } };
  }

  private difficultyEntries(d: DifficultyOutput, pool: PoolOutput, clusters: ClustersOutput): DifficultyEntry[] | null {
    if (d.skipped) return null;
    return pool.problems.map((p, j) => ({
      id: p.id, cluster: clusters.assignments[j], estimated: d.estimated[j], passRate: d.passRate[j], steps: d.steps[j], tokens: d.tokens[j], score: d.score[j],
    }));
  }

  /** Pool indices drawn in earlier iterations (for sampler.reuse "never"). */
  private async drawnBefore(iteration: number): Promise<Set<number>> {
    const out = new Set<number>();
    for (let j = 1; j < iteration; j++) {
      const s = await this.load<SampleOutput>(`iter-${j}/sample`);
      const pairs = await this.load<PairsOutput>(`iter-${j}/pairs`);
      for (const x of s.candidates.slice(0, pairs.sampled)) out.add(x);
    }
    return out;
  }

  private async sample(ref: StageRef): Promise<StageResult> {
    const c = this.config;
    const i = ref.iteration;
    const seed = stageSeed(c, stageKey(ref));
    const pool = await this.load<PoolOutput>('pool');
    const clusters = await this.load<ClustersOutput>('clusters');
    const probe = await this.load<ProbeOutput>(`iter-${i}/probe`);
    const diff = await this.load<DifficultyOutput>(`iter-${i}/difficulty`);
    const sampler = makeSampler(c.sampler.name, c.sampler);
    const problems: SamplerProblem[] = pool.problems.map((p, j) => ({ id: p.id, cluster: clusters.assignments[j], label: numericLabel(p.difficulty_label) }));
    const excluded = c.sampler.reuse === 'never' ? await this.drawnBefore(i) : new Set<number>();
    const reusable = new Set(c.pairs.reuseProbeAnswers ? probe.indices.filter((_, q) => probe.answers[q].length >= c.pairs.answers) : []);
    const want = candidateCount(c, probe.generations, reusable.size, pool.problems.length - excluded.size);
    const draw = sampler.draw({ pool: problems, iteration: i, difficulty: this.difficultyEntries(diff, pool, clusters), clusterErrors: probe.skipped ? null : probe.clusterErrors, excluded }, want, new Rng(seed));
    const used = usedPrefix(c, draw.indices, probe.generations, (x) => reusable.has(x));
    const notes = [...draw.notes];
    if (c.budget.mode === 'problems' && draw.indices.length < c.sampler.problems) notes.push(`sampler.problems is ${c.sampler.problems} but only ${draw.indices.length} problems could be drawn from a pool of ${pool.problems.length}`);
    if (c.budget.mode === 'equal-generations' && used === 0) notes.push(`the probe spent ${probe.generations} of ${c.budget.generations} generations: none are left for pairs this iteration`);
    for (const note of notes) this.log('warn', note, ref);
    const value: SampleOutput = { seed, sampler: sampler.name, candidates: draw.indices, used, clusterWeights: draw.clusterWeights, notes };
    return { value, summary: { drawn: draw.indices.length, used } };
  }

  private async pairs(ref: StageRef, report: (d: number, t: number, m?: string) => void, signal: AbortSignal | undefined, check: () => void): Promise<StageResult> {
    const c = this.config;
    const i = ref.iteration;
    const seed = stageSeed(c, stageKey(ref));
    const rng = new Rng(seed);
    const pool = await this.load<PoolOutput>('pool');
    const probe = await this.load<ProbeOutput>(`iter-${i}/probe`);
    const sample = await this.load<SampleOutput>(`iter-${i}/sample`);
    const K = c.pairs.answers;
    const probeAnswers = new Map<number, JudgedCompletion[]>();
    if (c.pairs.reuseProbeAnswers) probe.indices.forEach((j, q) => probe.answers[q].length >= K && probeAnswers.set(j, probe.answers[q].slice(0, K)));
    const roundSize = c.budget.mode === 'equal-pairs' ? c.sampler.problems : Math.max(1, sample.used);
    const candidates = sample.candidates.slice(0, sample.used);
    const out: PairsOutput = { seed, pairs: [], sampled: 0, withPair: 0, allRight: 0, allWrong: 0, pairYield: 0, generations: 0, reused: 0, rounds: 0 };
    const target = c.budget.mode === 'equal-pairs' || c.budget.capPairs ? c.budget.pairs : Infinity;
    for (let start = 0; start < candidates.length && out.pairs.length < target; start += roundSize) {
      check();
      const round = candidates.slice(start, start + roundSize);
      out.rounds++;
      const fresh = round.filter((j) => !probeAnswers.has(j));
      const completions = await this.generate(ref, fresh.map((j) => formatPrompt(pool.problems[j])), K,
        { temperature: c.pairs.temperature, topP: c.pairs.topP, maxNewTokens: c.pairs.maxNewTokens }, mixSeed(seed, out.rounds), (d, t) =>
          report(start + (d / Math.max(1, t)) * round.length, candidates.length, `answers ${d}/${t} (round ${out.rounds})`), signal);
      out.generations += fresh.length * K;
      const judged = new Map(fresh.map((j, q) => [j, this.judgeAnswers(pool.problems[j], completions[q])]));
      for (const j of round) {
        const answers = judged.get(j) ?? probeAnswers.get(j)!;
        if (!judged.has(j)) out.reused++;
        out.sampled++;
        const right = answers.filter((a) => a.correct).length;
        if (right === answers.length) out.allRight++;
        if (right === 0) out.allWrong++;
        const pair = buildPair(pool.problems[j].id, formatPrompt(pool.problems[j]), answers, c.pairs.chosen, rng);
        if (pair) {
          out.withPair++;
          if (out.pairs.length < target) out.pairs.push(pair);
        }
      }
    }
    out.pairYield = out.sampled ? round(out.withPair / out.sampled) : 0;
    if (c.budget.mode === 'equal-pairs' && out.pairs.length < c.budget.pairs) {
      this.log('warn', `equal-pairs: ${out.pairs.length} of ${c.budget.pairs} pairs after ${out.rounds} rounds (budget.maxRounds or the pool ran out)`, ref);
    }
    return { value: out, summary: { pairs: out.pairs.length, sampled: out.sampled, pairYield: out.pairYield, generations: out.generations, reused: out.reused } };
  }

  private async train(ref: StageRef, report: (d: number, t: number, m?: string) => void, check: () => void): Promise<StageResult> {
    const c = this.config;
    const i = ref.iteration;
    const pairs = await this.load<PairsOutput>(`iter-${i}/pairs`);
    if (pairs.pairs.length === 0) {
      const reason = `no pairs in iteration ${i} (${pairs.sampled} problems sampled: ${pairs.allRight} all right, ${pairs.allWrong} all wrong): training skipped, the policy stays as it was`;
      this.log('warn', reason, ref);
      const value: TrainOutput = { skipped: true, reason, pairs: 0, steps: [], hasAdapter: false };
      return { value, summary: { skipped: true, pairs: 0 } };
    }
    const policy = await this.getPolicy(ref);
    const settings = {
      beta: c.train.beta, learningRate: c.train.learningRate, epochs: c.train.epochs, batchSize: c.train.batchSize, loraRank: c.train.loraRank,
      loraAlpha: c.train.loraAlpha, loraTargets: [...c.train.loraTargets], seed: stageSeed(c, stageKey(ref)), microBatch: c.train.microBatch,
    };
    const totalSteps = Math.ceil(pairs.pairs.length / c.train.batchSize) * c.train.epochs;
    const result = await policy.trainer.train(i, pairs.pairs, settings, (m) => {
      check();
      this.listen({ type: 'train-step', iteration: i, metrics: m, totalSteps });
      report(m.step + 1, totalSteps, `step ${m.step + 1}/${totalSteps}`);
    });
    if (result.adapter) {
      // saved before the stage's own output, which marks the stage complete
      await this.env.store.put(this.runId, `iter-${i}/adapter`, result.adapter.safetensors);
      await this.env.store.put(this.runId, `iter-${i}/adapter-config`, result.adapter.configJson);
    }
    const value: TrainOutput = { skipped: false, pairs: pairs.pairs.length, steps: result.steps, hasAdapter: !!result.adapter };
    const last = result.steps.at(-1);
    return { value, summary: { skipped: false, pairs: pairs.pairs.length, steps: result.steps.length, loss: last?.loss ?? null, 'rewards/accuracies': last?.['rewards/accuracies'] ?? null } };
  }

  private async evaluate(ref: StageRef, report: (d: number, t: number, m?: string) => void): Promise<StageResult> {
    const c = this.config;
    const pool = await this.load<PoolOutput>('pool');
    const policy = await this.getPolicy(ref);
    const result = await evaluateHeldOut(policy.backend, pool.heldOut, {
      samples: c.eval.samples, temperature: c.eval.temperature, seed: stageSeed(c, stageKey(ref)), maxNewTokens: c.eval.maxNewTokens, judgeMode: c.judge.mode,
      onProgress: (done, total) => report(done, total, `held-out ${done}/${total}`),
    });
    const value: EvalOutput = {
      accuracy: result.accuracy,
      passAtK: c.eval.samples > 1 ? result.passAtK : null,
      perKnowledgePoint: result.perKnowledgePoint,
      meanSteps: result.meanSteps,
      meanTokens: result.meanTokens,
      correct: result.items.map((item) => item.correct),
    };
    return { value, summary: { accuracy: round(result.accuracy), passAtK: value.passAtK === null ? null : round(value.passAtK), meanTokens: round(result.meanTokens, 1) } };
  }
}
