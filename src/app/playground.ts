// <lab-playground>: try a model by hand: load a model folder in the policy worker (a progress bar, the error in
// words) and generate text for a prompt. Its settings live in the URL beside the experiment's. Loaded on demand
// when the user opens it, so the policy worker and its GPU device exist only for people who use it.
import { LitElement, css, html, nothing } from 'lit';
import type { GpuInfo } from '../engine/gpu.ts';
import type { Completion, LoadProgressEvent } from '../../workers/policy-api.ts';
import { callback, startPolicyWorker, type PolicyClient } from './policy-client.ts';
import { DEFAULT_STATE, labStateQuery, parseLabState, type LabState } from './lab-state.ts';
import { errorMessage } from './format.ts';
import type { LoadModelDetail, LoadStatus } from './model-loader.ts';
import type { GenerateSettings } from './generate-panel.ts';
import './model-loader.ts';
import './generate-panel.ts';

/** What the header shows about the adapter. */
type GpuAdapterLine = Pick<GpuInfo, 'description' | 'isSoftware'>;

export class LabPlayground extends LitElement {
  static override properties = {
    state: { state: true },
    warnings: { state: true },
    adapter: { state: true },
    workerProblem: { state: true },
    loadStatus: { state: true },
    progress: { state: true },
    loadError: { state: true },
    modelSummary: { state: true },
    busy: { state: true },
    completions: { state: true },
    generateError: { state: true },
    timing: { state: true },
    runs: { state: true },
  };

  declare state: LabState;
  declare warnings: string[];
  declare adapter: GpuAdapterLine | null;
  /** the worker died or lost its GPU device: shown with a button to start over */
  declare workerProblem: string;
  declare loadStatus: LoadStatus;
  declare progress: LoadProgressEvent | null;
  declare loadError: string;
  declare modelSummary: string;
  declare busy: boolean;
  declare completions: Completion[];
  declare generateError: string;
  declare timing: string;
  declare runs: number;
  private client: PolicyClient | null = null;
  /** counts load requests so a slow, superseded load does not overwrite a newer one */
  private loadTicket = 0;

  constructor() {
    super();
    const parsed = parseLabState(location.search);
    this.state = parsed.state;
    this.warnings = parsed.warnings;
    this.adapter = null;
    this.workerProblem = '';
    this.loadStatus = 'idle';
    this.progress = null;
    this.loadError = '';
    this.modelSummary = '';
    this.busy = false;
    this.completions = [];
    this.generateError = '';
    this.timing = '';
    this.runs = 0;
  }

  static override styles = css`
    :host { display: block; margin-top: 0.6rem; }
    header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 0.5rem; border-bottom: 1px solid #ddd; margin-bottom: 1rem; }
    h1 { font-size: 1.4rem; margin: 0.3rem 0; }
    h2 { font-size: 1.1rem; margin: 0 0 0.6rem; }
    .adapter { font-size: 0.85rem; color: #333; }
    section.panel { border: 1px solid #ddd; border-radius: 6px; padding: 0.8rem 1rem; margin-bottom: 1rem; }
    .notice { background: #fffbe6; border: 1px solid #e6d48a; padding: 0.5rem 0.8rem; border-radius: 4px; font-size: 0.9rem; }
    .warning, .problem { color: #7a4b00; font-size: 0.9rem; }
    .problem { color: #a00; background: #fff0f0; border: 1px solid #e0a0a0; padding: 0.5rem; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.startWorker();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.client?.terminate();
    this.client = null;
  }

  override render() {
    return html`
      <p class="adapter" id="policy-adapter" aria-live="polite">${this.renderAdapter()}</p>
      ${this.warnings.map((w) => html`<p class="warning" role="status">Ignored in the link: ${w}</p>`)}
      ${this.workerProblem ? html`
        <p class="problem" role="alert">${this.workerProblem}
          <button @click=${this.restartWorker}>Restart the worker and reload the model</button></p>` : nothing}
      <section class="panel" aria-labelledby="model-heading">
        <h2 id="model-heading">Model</h2>
        <p class="notice">The built-in <code>/models/tiny-math/</code> was trained on the lab's curriculum: type a question
          and it answers one step per line, then <code>Answer: X</code> (often wrongly: it is tiny). <code>/models/tiny-random/</code>
          is untrained: its text is noise.</p>
        <model-loader .model=${this.state.model} .dtype=${this.state.dtype} .status=${this.loadStatus}
          .progress=${this.progress} .error=${this.loadError} .summary=${this.modelSummary}
          @load-model=${this.onLoadModel}></model-loader>
      </section>
      <section class="panel" aria-labelledby="generate-heading">
        <h2 id="generate-heading">Generate</h2>
        <generate-panel .settings=${this.generateSettings()} ?ready=${this.loadStatus === 'ready'} ?busy=${this.busy}
          .completions=${this.completions} .error=${this.generateError} .timing=${this.timing} .runs=${this.runs}
          @settings-change=${this.onSettingsChange} @generate=${this.onGenerate}></generate-panel>
      </section>
    `;
  }

  private renderAdapter() {
    if (this.adapter) return `WebGPU: ${this.adapter.description}${this.adapter.isSoftware ? ' (software adapter)' : ''}`;
    return 'WebGPU: asking the worker…';
  }

  private generateSettings(): GenerateSettings {
    const { prompt, n, maxNewTokens, temperature, topP, seed } = this.state;
    return { prompt, n, maxNewTokens, temperature, topP, seed };
  }

  private startWorker(): void {
    this.client = startPolicyWorker((message) => {
      this.workerProblem = `The policy worker stopped: ${message}`;
      // calls in flight will never be answered by a dead worker: end them here
      if (this.loadStatus === 'loading') {
        this.loadTicket++;
        this.loadError = message;
        this.loadStatus = 'error';
      }
      this.busy = false;
    });
    void this.describeAdapter();
    void this.loadModel();
  }

  private async describeAdapter(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const info = await client.remote.info();
      this.adapter = info.adapter;
      await client.remote.watchDevice(callback((reason: string) => {
        this.workerProblem = `The GPU device was lost (${reason}). The loaded model is gone with it.`;
      }));
    } catch (error) {
      this.adapter = { description: `unavailable (${errorMessage(error)})`, isSoftware: false };
    }
  }

  private restartWorker(): void {
    this.client?.terminate();
    this.workerProblem = '';
    this.adapter = null;
    this.startWorker();
  }

  private onLoadModel(event: CustomEvent<LoadModelDetail>): void {
    const model = event.detail.model || this.state.model;
    this.updateState({ model: model.endsWith('/') ? model : `${model}/`, dtype: event.detail.dtype });
    void this.loadModel();
  }

  private async loadModel(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const ticket = ++this.loadTicket;
    this.loadStatus = 'loading';
    this.progress = null;
    this.loadError = '';
    this.completions = [];
    try {
      const url = folderUrl(this.state.model);
      const loaded = await client.remote.load(url, { dtype: this.state.dtype }, callback((p: LoadProgressEvent) => {
        if (ticket === this.loadTicket) this.progress = p;
      }));
      if (ticket !== this.loadTicket) return;
      this.modelSummary = `${loaded.summary} (${loaded.dtype}, ${loaded.loadSeconds.toFixed(1)} s)`;
      this.loadStatus = 'ready';
    } catch (error) {
      if (ticket !== this.loadTicket) return;
      this.loadError = errorMessage(error);
      this.loadStatus = 'error';
    }
  }

  private onSettingsChange(event: CustomEvent<Partial<GenerateSettings>>): void {
    this.updateState(event.detail);
  }

  private async onGenerate(event: CustomEvent<GenerateSettings>): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    const { prompt, ...request } = event.detail;
    this.busy = true;
    this.generateError = '';
    this.timing = '';
    const started = performance.now();
    try {
      this.completions = await client.remote.generate(prompt, request);
      const seconds = (performance.now() - started) / 1000;
      const tokens = this.completions.reduce((sum, c) => sum + c.tokens, 0);
      this.timing = `${tokens} tokens in ${seconds.toFixed(2)} s (${(tokens / seconds).toFixed(1)} tokens/s)`;
    } catch (error) {
      this.generateError = errorMessage(error);
    } finally {
      this.busy = false;
      this.runs++;
    }
  }

  /** Applies a change and mirrors it in the address bar, so the link reproduces this run. */
  private updateState(patch: Partial<LabState>): void {
    this.state = { ...this.state, ...patch };
    // the experiment's settings share the query string: replace only the playground's own parameters
    const query = new URLSearchParams(location.search);
    for (const key of Object.keys(DEFAULT_STATE)) query.delete(key);
    for (const [key, value] of new URLSearchParams(labStateQuery(this.state))) query.set(key, value);
    const text = query.toString();
    history.replaceState(null, '', `${location.pathname}${text ? `?${text}` : ''}${location.hash}`);
  }
}

/** The absolute URL of a model folder given relative to this page (e.g. /models/tiny-random/). */
function folderUrl(folder: string): string {
  try {
    return new URL(folder, location.href).href;
  } catch {
    throw new Error(`"${folder}" is not a valid URL for a model folder`);
  }
}

customElements.define('lab-playground', LabPlayground);

declare global {
  interface HTMLElementTagNameMap {
    'lab-playground': LabPlayground;
  }
}
