// <sai-lab>: the lab shell. Checks for WebGPU first (a page on what to do when there is none); then the set-up
// form (kept in the URL), the run controls, one panel per stage of the SAI-DPO loop, the saved runs, and a
// playground that generates text with a model. The loop runs in its worker (loop-client.ts); this element only
// sends commands, listens to progress events and reads saved stage outputs to fill the panels.
import { LitElement, css, html, nothing } from 'lit';
import { configDifferences, configOverrides, parseConfig, type ExperimentConfig } from '../loop/config.ts';
import type { LoopEvent, ProgressEvent, StageName } from '../loop/events.ts';
import type { ClustersOutput, EvalOutput, PairsOutput, PoolOutput, TagsOutput, TrainOutput } from '../loop/runner.ts';
import type { RunSummary } from '../loop/store.ts';
import { pairsToTrlJsonl } from '../loop/pairs.ts';
import type { RunStatus } from '../loop/worker-api.ts';
import { errorMessage } from './format.ts';
import { readUrlConfig, urlWithConfig } from './url-config.ts';
import { DEFAULT_STATE } from './lab-state.ts';
import { startLoopWorker, type LoopClient } from './loop-client.ts';
import { callback } from './policy-client.ts';
import {
  compareView, evaluationView, knowledgeMap, pairsView, probeView, samplingView, trainingView, trainPoint, type ArmRun, type RunOutputs,
} from './run-view.ts';
import type { CompareData, EvaluationData, KnowledgeMapData, PairsData, ProbeData, SamplingData, TrainingData } from './panel-data.ts';
import type { Preset } from './presets.ts';
import type { ControlAction, ControlState } from './run-controls.ts';
import type { RunActionDetail } from './runs-panel.ts';
import type { PoolUpload } from './upload-report.ts';
import { download, fileStem, metricsCsv, type IterationOutputs } from './run-exports.ts';
import { webGpuProblem } from './no-webgpu.ts';
import './no-webgpu.ts';
import './setup-form.ts';
import './run-controls.ts';
import './runs-panel.ts';
import './run-report.ts';
import './panels/knowledge-map-panel.ts';
import './panels/probe-panel.ts';
import './panels/sampling-panel.ts';
import './panels/pairs-panel.ts';
import './panels/training-panel.ts';
import './panels/evaluation-panel.ts';
import './panels/compare-panel.ts';

/** localStorage key naming the run that was running when the page went away (a reload resumes it). */
const ACTIVE_RUN_KEY = 'sai-dpo-lab:active-run';

type Failure = { kind: 'device-lost' | 'quota' | 'worker' | 'run'; message: string };

export class SaiLab extends LitElement {
  static override properties = {
    gpuProblem: { state: true },
    adapterLine: { state: true },
    config: { state: true },
    warnings: { state: true },
    upload: { state: true },
    runs: { state: true },
    runId: { state: true },
    runName: { state: true },
    control: { state: true },
    progress: { state: true },
    current: { state: true },
    canResume: { state: true },
    message: { state: true },
    failure: { state: true },
    iteration: { state: true },
    lastIteration: { state: true },
    mapData: { state: true },
    probeData: { state: true },
    samplingData: { state: true },
    pairsData: { state: true },
    trainingData: { state: true },
    evaluationData: { state: true },
    compareData: { state: true },
    playground: { state: true },
    reportConfig: { state: true },
  };

  /** undefined while checking; null when WebGPU works */
  declare gpuProblem: string | null | undefined;
  declare adapterLine: string;
  declare config: ExperimentConfig;
  declare warnings: string[];
  declare upload: PoolUpload | null;
  declare runs: RunSummary[];
  declare runId: string;
  declare runName: string;
  declare control: ControlState;
  declare progress: ProgressEvent | null;
  declare current: { stage: StageName; iteration: number } | null;
  declare canResume: boolean;
  declare message: string;
  declare failure: Failure | null;
  /** the iteration the panels show */
  declare iteration: number;
  declare lastIteration: number;
  declare mapData: KnowledgeMapData | null;
  declare probeData: ProbeData | null;
  declare samplingData: SamplingData | null;
  declare pairsData: PairsData | null;
  declare trainingData: TrainingData | null;
  declare evaluationData: EvaluationData | null;
  declare compareData: CompareData | null;
  declare playground: boolean;
  declare reportConfig: ExperimentConfig | null;

  private client: LoopClient | null = null;
  /** arms of a preset still to run after the current one */
  private queue: { label: string; config: ExperimentConfig }[] = [];
  /** outputs that do not change within a run, cached per run */
  private setupCache = new Map<string, unknown>();
  private setupCacheRun = '';
  private refreshTicket = 0;

  constructor() {
    super();
    const url = readUrlConfig(location.search);
    this.config = url.config;
    this.warnings = url.warnings;
    this.gpuProblem = undefined;
    this.adapterLine = 'WebGPU: checking…';
    this.upload = null;
    this.runs = [];
    this.runId = new URLSearchParams(location.search).get('run') ?? '';
    this.runName = '';
    this.control = 'idle';
    this.progress = null;
    this.current = null;
    this.canResume = false;
    this.message = '';
    this.failure = null;
    this.iteration = 1;
    this.lastIteration = 0;
    this.mapData = null;
    this.probeData = null;
    this.samplingData = null;
    this.pairsData = null;
    this.trainingData = null;
    this.evaluationData = null;
    this.compareData = null;
    this.playground = false;
    this.reportConfig = null;
    // a link with the playground's own settings opens it
    this.playgroundLinked = [...new URLSearchParams(location.search).keys()].some((k) => k !== 'seed' && k in DEFAULT_STATE);
  }

  private readonly playgroundLinked: boolean;

  static override styles = css`
    :host { display: block; max-width: 76rem; margin: 0 auto; padding: 0.8rem 1rem 3rem; font: 1.05rem/1.5 system-ui, sans-serif; color: #111; }
    header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 0.5rem; border-bottom: 2px solid #ccc; margin-bottom: 0.8rem; }
    h1 { font-size: 1.6rem; margin: 0.3rem 0; }
    h2.section { font-size: 1.35rem; margin: 1.4rem 0 0.5rem; }
    .tagline { margin: 0 0 0.6rem; max-width: 60rem; }
    .adapter { font-size: 0.9rem; color: #333; }
    .warning { color: #7a4b00; }
    .failure { border: 3px solid #D55E00; background: #fff6ef; border-radius: 8px; padding: 0.6rem 1rem; margin: 0.6rem 0; }
    .failure button { font: inherit; font-weight: 600; padding: 0.35rem 1rem; }
    run-controls { position: sticky; top: 0; z-index: 5; margin: 0.8rem 0; }
    .panels { display: flex; flex-direction: column; gap: 1rem; }
    .iteration-picker { display: flex; gap: 0.5rem; align-items: center; margin: 0.3rem 0 0.8rem; }
    .iteration-picker select { font: inherit; padding: 0.2rem; }
    details.playground > summary { cursor: pointer; font-size: 1.2rem; font-weight: 700; margin-top: 1.4rem; }
    section.box { border: 1px solid #bbb; border-radius: 8px; padding: 0.8rem 1rem; }
    a { color: #0059a0; }
    :focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
    run-report { display: none; }
    @media print {
      .no-print, run-controls, setup-form, runs-panel, details.playground, .iteration-picker { display: none !important; }
      run-report { display: block; }
      :host { max-width: none; }
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.client?.terminate();
    this.client = null;
  }

  private async boot(): Promise<void> {
    this.gpuProblem = await webGpuProblem();
    if (this.gpuProblem) return;
    const adapter = await navigator.gpu.requestAdapter();
    const info = adapter?.info;
    const description = info ? (info.description || `${info.vendor} ${info.architecture}`.trim() || 'unnamed adapter') : 'unknown adapter';
    const software = /swiftshader|llvmpipe|lavapipe|software|cpu/i.test(`${description} ${info?.vendor ?? ''} ${info?.architecture ?? ''}`);
    this.adapterLine = `WebGPU: ${description}${software ? ' (software adapter: slow, but everything works)' : ''}`;
    if (this.playgroundLinked) void this.openPlayground();
    await this.connect();
    await this.refreshRuns();
    if (this.runId) await this.openRun(this.runId, localStorage.getItem(ACTIVE_RUN_KEY) === this.runId);
  }

  private async connect(): Promise<void> {
    this.client?.terminate();
    this.client = null;
    try {
      this.client = await startLoopWorker((message) => this.fail({ kind: 'worker', message: `The loop worker stopped: ${message}` }));
    } catch (error) {
      this.fail({ kind: 'worker', message: errorMessage(error) });
    }
  }

  private get remote() {
    if (!this.client) throw new Error('the loop worker is not running');
    return this.client.remote;
  }

  // ---- rendering -------------------------------------------------------------------------------------------

  override render() {
    if (this.gpuProblem === undefined) return html`<header><h1>SAI-DPO Lab</h1></header><p role="status">Checking for WebGPU…</p>`;
    if (this.gpuProblem) return html`<header><h1>SAI-DPO Lab</h1></header><no-webgpu .reason=${this.gpuProblem}></no-webgpu>`;
    const running = this.control === 'running' || this.control === 'pausing';
    return html`
      <header>
        <h1>SAI-DPO Lab</h1>
        <span class="adapter" id="adapter" aria-live="polite">${this.adapterLine}</span>
      </header>
      <p class="tagline no-print">A small model learns math by finding its own weak spots: it takes a test, practises the kinds of problem
        it gets wrong, learns from its own right and wrong answers (DPO), and is tested again. Press <strong>Quick demo</strong>
        and watch each step below.</p>
      ${this.warnings.map((w) => html`<p class="warning" role="status">Ignored in the link: ${w}</p>`)}
      ${this.renderFailure()}
      <h2 class="section no-print" id="setup-heading">Set up an experiment</h2>
      <setup-form .config=${this.config} ?disabled=${running} @config-change=${this.onConfigChange} @preset=${this.onPreset}
        @pool-upload=${(e: CustomEvent<PoolUpload>) => (this.upload = e.detail)}></setup-form>
      <run-controls .state=${this.control} .progress=${this.progress} .current=${this.current} .iterations=${this.config.iterations}
        ?canResume=${this.canResume} .runName=${this.runName} .message=${this.message} @control=${this.onControl}></run-controls>
      ${this.lastIteration > 1 ? html`<label class="iteration-picker">Show iteration
        <select @change=${(e: Event) => { this.iteration = Number((e.target as HTMLSelectElement).value); void this.refreshViews(); }}>
          ${Array.from({ length: this.lastIteration }, (_, i) => i + 1).map((i) => html`<option value=${i} ?selected=${i === this.iteration}>${i}</option>`)}
        </select></label>` : nothing}
      <div class="panels">
        <knowledge-map-panel id="panel-map" .data=${this.mapData}></knowledge-map-panel>
        <probe-panel id="panel-probe" .data=${this.probeData}></probe-panel>
        <sampling-panel id="panel-sampling" .data=${this.samplingData}></sampling-panel>
        <pairs-panel id="panel-pairs" .data=${this.pairsData}></pairs-panel>
        <training-panel id="panel-training" .data=${this.trainingData}></training-panel>
        <evaluation-panel id="panel-evaluation" .data=${this.evaluationData}></evaluation-panel>
        <compare-panel id="panel-compare" .data=${this.compareData}></compare-panel>
      </div>
      <h2 class="section no-print">Saved runs</h2>
      <section class="box no-print">
        <runs-panel .runs=${this.runs} .openRunId=${this.runId} ?busy=${running} @run-action=${this.onRunAction} @import-run=${this.onImportRun}></runs-panel>
      </section>
      <details class="playground no-print" ?open=${this.playgroundLinked} @toggle=${(e: Event) => { if ((e.target as HTMLDetailsElement).open) void this.openPlayground(); }}>
        <summary>Try a model: generate text</summary>
        ${this.playground ? html`<lab-playground></lab-playground>` : html`<p>Loading…</p>`}
      </details>
      <run-report .config=${this.reportConfig} .runName=${this.runName} .evaluation=${this.evaluationData} .compare=${this.compareData}></run-report>
    `;
  }

  private renderFailure() {
    const f = this.failure;
    if (!f) return nothing;
    const titles = { 'device-lost': 'The GPU device was lost', quota: 'Browser storage is full', worker: 'The loop worker stopped', run: 'The run failed' };
    return html`<section class="failure" role="alert" id="failure" data-kind=${f.kind}>
      <strong>${titles[f.kind]}.</strong> ${f.message}
      ${f.kind === 'device-lost' ? html`<p>Every stage saved before the loss is kept. A new device is made when you resume (if it keeps happening,
        close other GPU-heavy tabs, or choose smaller budgets).</p><button @click=${this.resumeAfterFailure}>Resume the run</button>` : nothing}
      ${f.kind === 'quota' ? html`<p>Your saved runs are intact; the stage that could not be saved will run again. Delete old runs (or export them
        first) below, then resume.</p><button @click=${this.resumeAfterFailure}>Resume the run</button>` : nothing}
      ${f.kind === 'worker' || f.kind === 'run' ? html`<p>Saved stages are kept.</p><button @click=${this.resumeAfterFailure}>Restart the worker and resume</button>` : nothing}
    </section>`;
  }

  // ---- set-up -----------------------------------------------------------------------------------------------

  private onConfigChange(event: CustomEvent<ExperimentConfig>): void {
    this.config = event.detail;
    history.replaceState(null, '', `${location.pathname}${urlWithConfig(location.search, this.config)}${location.hash}`);
  }

  private onPreset(event: CustomEvent<Preset>): void {
    const [first, ...rest] = event.detail.arms;
    this.queue = rest;
    this.config = first.config;
    history.replaceState(null, '', `${location.pathname}${urlWithConfig(location.search, this.config)}`);
    void this.startNew(first.config);
  }

  // ---- controls ---------------------------------------------------------------------------------------------

  private onControl(event: CustomEvent<ControlAction>): void {
    switch (event.detail) {
      case 'start': this.queue = []; void this.startNew(this.config); break;
      case 'pause': this.control = 'pausing'; void this.remote.pause(); break;
      case 'resume': void this.go(this.runId, 'start'); break;
      case 'step': void this.stepOnce(); break;
      case 'stop': this.queue = []; void this.remote.stop(); break;
    }
  }

  private async startNew(config: ExperimentConfig): Promise<void> {
    if (config.pool.source === 'file' && !this.upload) {
      this.message = 'Choose a problems file first (Data → my own JSONL file).';
      return;
    }
    try {
      const runId = await this.remote.create(configOverrides(config), config.name);
      await this.adoptRun(runId);
      await this.go(runId, 'start');
    } catch (error) {
      this.message = `Could not start: ${errorMessage(error)}`;
    }
  }

  private async stepOnce(): Promise<void> {
    try {
      if (!this.runId || this.control === 'finished') await this.adoptRun(await this.remote.create(configOverrides(this.config), this.config.name));
      await this.go(this.runId, 'step');
    } catch (error) {
      this.message = `Could not step: ${errorMessage(error)}`;
    }
  }

  /** Makes `runId` the open run: the URL names it, the panels are cleared for it. */
  private async adoptRun(runId: string): Promise<void> {
    this.runId = runId;
    this.failure = null;
    this.clearPanels();
    const url = new URLSearchParams(location.search);
    url.set('run', runId);
    history.replaceState(null, '', `${location.pathname}?${url}`);
    await this.refreshRuns();
  }

  /** Runs (`start`) or steps the run, listening to its events until the worker returns. */
  private async go(runId: string, how: 'start' | 'step', note = ''): Promise<void> {
    if (!runId) return;
    this.failure = null;
    this.message = note;
    this.control = 'running';
    localStorage.setItem(ACTIVE_RUN_KEY, runId);
    let status: RunStatus | null = null;
    try {
      const listener = callback((event: LoopEvent) => this.onLoopEvent(event));
      status = how === 'start' ? await this.remote.start(runId, listener) : await this.remote.step(runId, listener);
    } catch (error) {
      this.onRunError(error);
    }
    if ((this.control as ControlState) !== 'failed') localStorage.removeItem(ACTIVE_RUN_KEY);
    if (status) this.applyStatus(status);
    await this.refreshRuns();
    await this.refreshViews();
    if (status?.state === 'finished' && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.config = next.config;
      void this.startNew(next.config);
    }
  }

  private applyStatus(status: RunStatus): void {
    this.canResume = status.next !== null;
    this.runName = status.config.name;
    this.reportConfig = status.config;
    if (status.state === 'idle') this.control = status.next === null ? 'finished' : status.saved.length > 0 ? 'paused' : 'idle';
    else if (status.state === 'running') this.control = 'paused'; // the call returned: it no longer runs
    else this.control = status.state;
    if (status.next === null) this.control = 'finished';
    if (status.next) this.current = { stage: status.next.stage, iteration: status.next.iteration };
  }

  private onRunError(error: unknown): void {
    const message = errorMessage(error);
    if (/stopped/i.test(message) && !/lost/i.test(message)) {
      this.control = 'stopped';
      return;
    }
    this.control = 'failed';
    if (/storage is full|quota/i.test(message)) this.fail({ kind: 'quota', message });
    else if (/device.*lost|lost.*device|DeviceLost/i.test(message)) this.fail({ kind: 'device-lost', message });
    else this.fail({ kind: 'run', message });
  }

  private fail(failure: Failure): void {
    this.failure = failure;
    if (this.control === 'running' || this.control === 'pausing') this.control = 'failed';
  }

  private async resumeAfterFailure(): Promise<void> {
    this.failure = null;
    await this.connect();
    if (this.client) await this.go(this.runId, 'start');
  }

  private onLoopEvent(event: LoopEvent): void {
    switch (event.type) {
      case 'progress':
        this.progress = event;
        break;
      case 'stage-start':
        this.current = { stage: event.stage, iteration: event.iteration };
        if (event.iteration > 0 && event.iteration !== this.iteration && event.stage === 'probe') {
          this.iteration = event.iteration;
          this.clearIterationPanels();
        }
        if (event.stage === 'train') this.trainingData = { iteration: event.iteration, totalSteps: null, steps: [] };
        break;
      case 'stage-done':
        if (event.iteration > this.lastIteration) this.lastIteration = event.iteration;
        void this.refreshRuns().then(() => this.refreshViews());
        break;
      case 'train-step': {
        const previous = this.trainingData?.iteration === event.iteration ? this.trainingData.steps : [];
        this.trainingData = { iteration: event.iteration, totalSteps: event.totalSteps, steps: [...previous, trainPoint(event.metrics)] };
        break;
      }
      case 'log':
        if (event.level === 'warn') this.message = event.message;
        break;
      case 'state':
        if (event.state === 'failed') this.onRunError(new Error(event.error ?? 'the run failed'));
        else if (event.state === 'running') this.control = this.control === 'pausing' ? 'pausing' : 'running';
        else this.control = event.state;
        break;
    }
  }

  // ---- reading the run's outputs into the panels ------------------------------------------------------------

  private clearPanels(): void {
    this.setupCache.clear();
    this.mapData = null;
    this.evaluationData = null;
    this.iteration = 1;
    this.lastIteration = 0;
    this.progress = null;
    this.current = null;
    this.clearIterationPanels();
  }

  private clearIterationPanels(): void {
    this.probeData = null;
    this.samplingData = null;
    this.pairsData = null;
    this.trainingData = null;
  }

  private async stage<T>(key: string): Promise<T | undefined> {
    if (this.setupCacheRun !== this.runId) {
      this.setupCache.clear();
      this.setupCacheRun = this.runId;
    }
    const cacheable = key === 'pool' || key === 'tags' || key === 'clusters';
    if (cacheable && this.setupCache.has(key)) return this.setupCache.get(key) as T;
    const value = (await this.remote.getStage(this.runId, key)) as T | undefined;
    if (cacheable && value !== undefined) this.setupCache.set(key, value);
    return value;
  }

  /** Re-reads the open run's saved outputs for the shown iteration and rebuilds every panel's data. */
  private async refreshViews(): Promise<void> {
    if (!this.runId || !this.client) return;
    const ticket = ++this.refreshTicket;
    const runId = this.runId;
    try {
      const keys = new Set((this.runs.find((r) => r.id === runId)?.stages) ?? []);
      const status = await this.remote.status(runId);
      for (const k of status.saved) keys.add(k);
      const iterations = [...keys].map((k) => /^iter-(\d+)\//.exec(k)).filter((m) => m).map((m) => Number(m![1]));
      this.lastIteration = Math.max(0, ...iterations);
      const it = Math.min(Math.max(1, this.iteration), Math.max(1, this.lastIteration));
      const get = <T>(key: string): Promise<T | undefined> => (keys.has(key) ? this.stage<T>(key) : Promise.resolve(undefined));
      const evals = new Map<number, EvalOutput>();
      for (const i of [...new Set(iterations)].sort((a, b) => a - b)) {
        const e = await get<EvalOutput>(`iter-${i}/eval`);
        if (e) evals.set(i, e);
      }
      const outputs: RunOutputs = {
        pool: await get<PoolOutput>('pool'),
        tags: await get<TagsOutput>('tags'),
        clusters: await get<ClustersOutput>('clusters'),
        probe: await get(`iter-${it}/probe`),
        difficulty: await get(`iter-${it}/difficulty`),
        sample: await get(`iter-${it}/sample`),
        previousSample: it > 1 ? await get(`iter-${it - 1}/sample`) : undefined,
        pairs: await get<PairsOutput>(`iter-${it}/pairs`),
        train: await get<TrainOutput>(`iter-${it}/train`),
        evals,
      };
      if (ticket !== this.refreshTicket || runId !== this.runId) return;
      this.reportConfig = status.config;
      this.runName = status.config.name;
      this.canResume = status.next !== null;
      this.mapData = knowledgeMap(outputs);
      this.probeData = probeView(outputs);
      this.samplingData = samplingView(outputs, it);
      this.pairsData = pairsView(outputs, it);
      // live steps arrive by event while training runs; the saved output replaces them when the stage is done
      const saved = trainingView(outputs.train, it);
      if (saved || this.trainingData?.iteration !== it) this.trainingData = saved;
      const baseline = await this.randomBaseline(status.config);
      this.evaluationData = evaluationView(evals, baseline);
      this.compareData = await this.comparison(status.config);
    } catch (error) {
      this.message = `Could not read the run: ${errorMessage(error)}`;
    }
  }

  /** Evaluations of a random-sampling run with the same settings (same seed), when one was run. */
  private async randomBaseline(config: ExperimentConfig): Promise<Map<number, EvalOutput> | undefined> {
    if (config.sampler.name === 'random') return undefined;
    const arms = await this.comparableRuns(config);
    const twin = arms.find((a) => a.config.sampler.name === 'random' && a.config.seed === config.seed && a.config.pool.mix === config.pool.mix);
    return twin?.evals;
  }

  private comparableCache = new Map<string, { config: ExperimentConfig; evals: Map<number, EvalOutput> }>();

  /** Every saved run whose settings match `config` apart from its sampler, seed, pool mix and name. */
  private async comparableRuns(config: ExperimentConfig) {
    const out: { runId: string; config: ExperimentConfig; evals: Map<number, EvalOutput> }[] = [];
    for (const run of this.runs) {
      const evalKeys = run.stages.filter((k) => /^iter-\d+\/eval$/.test(k));
      if (evalKeys.length === 0) continue;
      const cacheKey = `${run.id}:${evalKeys.length}`;
      let entry = this.comparableCache.get(cacheKey);
      if (!entry) {
        const raw = await this.remote.getStage(run.id, 'config');
        if (!raw) continue;
        const evals = new Map<number, EvalOutput>();
        for (const key of evalKeys) {
          const e = (await this.remote.getStage(run.id, key)) as EvalOutput | undefined;
          if (e) evals.set(Number(/^iter-(\d+)/.exec(key)![1]), e);
        }
        entry = { config: parseConfig(raw), evals };
        this.comparableCache.set(cacheKey, entry);
      }
      if (configDifferences(entry.config, config, ['name', 'seed', 'sampler.name', 'pool.mix']).length === 0) out.push({ runId: run.id, ...entry });
    }
    return out;
  }

  private async comparison(config: ExperimentConfig): Promise<CompareData | null> {
    const runs = await this.comparableRuns(config);
    if (runs.length < 2) return null;
    const mixes = new Set(runs.map((r) => r.config.pool.mix));
    const arms: ArmRun[] = runs.map((r) => ({
      sampler: r.config.sampler.name,
      seed: r.config.seed,
      arm: mixes.size > 1 ? `${r.config.sampler.name}, ${r.config.pool.mix} pool` : r.config.sampler.name,
      accuracy: new Map([...r.evals].map(([i, e]) => [i, e.accuracy])),
    }));
    return compareView(arms);
  }

  // ---- runs -------------------------------------------------------------------------------------------------

  private async refreshRuns(): Promise<void> {
    if (!this.client) return;
    try {
      this.runs = (await this.remote.listRuns()).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    } catch (error) {
      this.message = `Could not list the saved runs: ${errorMessage(error)}`;
    }
  }

  /** Shows a saved run; `resume` goes on running it (after a reload mid-run). */
  private async openRun(runId: string, resume: boolean): Promise<void> {
    try {
      const status = await this.remote.status(runId);
      if (runId !== this.runId) await this.adoptRun(runId);
      this.applyStatus(status);
      if (resume && status.next) {
        void this.go(runId, 'start', `Resuming after a reload, from ${status.next.stage}${status.next.iteration > 0 ? ` (iteration ${status.next.iteration})` : ''}: saved stages are not run again.`);
        return;
      }
      await this.refreshViews();
    } catch (error) {
      this.message = `Could not open the run: ${errorMessage(error)}`;
    }
  }

  private async onRunAction(event: CustomEvent<RunActionDetail>): Promise<void> {
    const { action, runId } = event.detail;
    const name = this.runs.find((r) => r.id === runId)?.name ?? 'run';
    try {
      switch (action) {
        case 'open': await this.openRun(runId, false); break;
        case 'resume': await this.openRun(runId, false); await this.go(runId, 'start'); break;
        case 'delete':
          await this.remote.deleteRun(runId);
          if (runId === this.runId) {
            this.runId = '';
            this.clearPanels();
          }
          await this.refreshRuns();
          break;
        case 'rename':
          await this.remote.renameRun(runId, event.detail.name ?? name);
          await this.refreshRuns();
          break;
        case 'export': download(`${fileStem(name)}.saidpo`, await this.remote.exportRun(runId)); break;
        case 'pairs': download(`${fileStem(name)}-pairs.jsonl`, pairsToTrlJsonl((await this.iterationOutputs(runId)).flatMap((o) => o.pairs?.pairs ?? [])), 'application/jsonl'); break;
        case 'metrics': download(`${fileStem(name)}-metrics.csv`, metricsCsv(await this.iterationOutputs(runId)), 'text/csv'); break;
        case 'adapter': await this.exportAdapter(runId, name); break;
        case 'report':
          await this.openRun(runId, false);
          await this.updateComplete;
          print();
          break;
      }
    } catch (error) {
      this.message = `${action} failed: ${errorMessage(error)}`;
    }
  }

  private async iterationOutputs(runId: string): Promise<IterationOutputs[]> {
    const run = this.runs.find((r) => r.id === runId);
    const iterations = [...new Set((run?.stages ?? []).map((k) => /^iter-(\d+)\//.exec(k)).filter((m) => m).map((m) => Number(m![1])))];
    const out: IterationOutputs[] = [];
    for (const iteration of iterations.sort((a, b) => a - b)) {
      const get = async <T>(stage: string) => (run!.stages.includes(`iter-${iteration}/${stage}`) ? ((await this.remote.getStage(runId, `iter-${iteration}/${stage}`)) as T) : undefined);
      out.push({ iteration, eval: await get<EvalOutput>('eval'), pairs: await get<PairsOutput>('pairs'), train: await get<TrainOutput>('train') });
    }
    return out;
  }

  /** The last iteration's LoRA adapter in PEFT's layout: adapter_model.safetensors and adapter_config.json. */
  private async exportAdapter(runId: string, name: string): Promise<void> {
    const run = this.runs.find((r) => r.id === runId);
    const last = Math.max(0, ...(run?.stages ?? []).map((k) => /^iter-(\d+)\/adapter$/.exec(k)).filter((m) => m).map((m) => Number(m![1])));
    if (last === 0) {
      this.message = 'This run has no trained adapter yet (no iteration has finished training).';
      return;
    }
    const weights = (await this.remote.getStage(runId, `iter-${last}/adapter`)) as Uint8Array;
    const configJson = (await this.remote.getStage(runId, `iter-${last}/adapter-config`)) as string;
    download(`${fileStem(name)}-iter${last}-adapter_model.safetensors`, weights);
    download(`${fileStem(name)}-iter${last}-adapter_config.json`, configJson, 'application/json');
    this.message = `Saved iteration ${last}'s adapter (PEFT format; it applies to the model as it was at the start of iteration ${last}). Rename the two files to adapter_model.safetensors and adapter_config.json in one folder.`;
  }

  private async onImportRun(event: CustomEvent<{ name: string; bytes: Uint8Array }>): Promise<void> {
    try {
      const runId = await this.remote.importRun(event.detail.bytes);
      await this.refreshRuns();
      await this.openRun(runId, false);
      this.message = `Imported ${event.detail.name}.`;
    } catch (error) {
      this.message = `Could not import ${event.detail.name}: ${errorMessage(error)}`;
    }
  }

  // ---- playground -------------------------------------------------------------------------------------------

  private async openPlayground(): Promise<void> {
    if (this.playground) return;
    await import('./playground.ts');
    this.playground = true;
  }
}

customElements.define('sai-lab', SaiLab);

declare global {
  interface HTMLElementTagNameMap {
    'sai-lab': SaiLab;
  }
}
