// <run-controls>: Start, Pause, Resume, Step, Stop, and where the run stands: the stage strip (the stages in
// order, the current one marked by a border and a word, not colour alone), a progress bar with the stage's ETA
// and the run's. Buttons emit `control` events; the lab talks to the worker.
import { LitElement, css, html, nothing } from 'lit';
import { ITERATION_STAGES, SETUP_STAGES, type ProgressEvent, type StageName } from '../loop/events.ts';

export type ControlAction = 'start' | 'pause' | 'resume' | 'step' | 'stop';
export type ControlState = 'idle' | 'running' | 'pausing' | 'paused' | 'stopped' | 'finished' | 'failed';

/** What the stage strip calls each stage. */
export const STAGE_TITLES: Record<StageName, string> = {
  pool: 'pool', tags: 'tags', embeddings: 'embed', clusters: 'cluster',
  probe: 'probe', difficulty: 'difficulty', sample: 'sample', pairs: 'pairs', train: 'train', eval: 'evaluate',
};

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export class RunControls extends LitElement {
  static override properties = {
    state: { reflect: true },
    progress: { attribute: false },
    current: { attribute: false },
    iterations: { type: Number },
    canResume: { type: Boolean },
    runName: {},
    message: {},
  };

  declare state: ControlState;
  declare progress: ProgressEvent | null;
  /** the stage running or last run */
  declare current: { stage: StageName; iteration: number } | null;
  declare iterations: number;
  /** a run is open and has stages left */
  declare canResume: boolean;
  declare runName: string;
  declare message: string;

  constructor() {
    super();
    this.state = 'idle';
    this.progress = null;
    this.current = null;
    this.iterations = 1;
    this.canResume = false;
    this.runName = '';
    this.message = '';
  }

  static override styles = css`
    :host { display: block; background: #f4f7fb; border: 1px solid #9bb; border-radius: 8px; padding: 0.6rem 1rem; }
    .buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    button { font: inherit; font-weight: 600; padding: 0.45rem 1.1rem; border-radius: 6px; border: 2px solid #0072B2; background: #fff; color: #0072B2; cursor: pointer; }
    button.primary { background: #0072B2; color: #fff; }
    button:disabled { opacity: 0.45; cursor: default; }
    button:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
    .name { margin-left: auto; font-weight: 600; }
    ol { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem; padding: 0; margin: 0.6rem 0 0.3rem; }
    li { padding: 0.1rem 0.55rem; border: 1px solid #bbb; border-radius: 999px; font-size: 0.9rem; background: #fff; }
    li[aria-current='step'] { border: 3px solid #0072B2; font-weight: 700; }
    li.sep { border: none; background: none; padding: 0.1rem 0; color: #555; }
    .bar { display: flex; flex-direction: column; gap: 0.2rem; }
    progress { width: 100%; height: 1rem; }
    .detail { font-size: 0.95rem; font-variant-numeric: tabular-nums; }
  `;

  override render() {
    const s = this.state;
    const running = s === 'running' || s === 'pausing';
    const resumable = this.canResume && (s === 'paused' || s === 'stopped' || s === 'failed' || s === 'idle');
    return html`
      <div class="buttons" role="toolbar" aria-label="Run controls">
        <button class="primary" ?disabled=${running} @click=${() => this.emit('start')} title="Start a new run with the settings above">Start</button>
        <button ?disabled=${s !== 'running'} @click=${() => this.emit('pause')} title="Stop after the current stage has saved its output">Pause</button>
        <button ?disabled=${running || !resumable} @click=${() => this.emit('resume')} title="Go on from the first stage with no saved output">Resume</button>
        <button ?disabled=${running} @click=${() => this.emit('step')} title="Run the next stage only, then stop">Step</button>
        <button ?disabled=${!running} @click=${() => this.emit('stop')} title="Stop now; the stage in progress is not saved">Stop</button>
        <span class="name">${this.runName ? html`Run: ${this.runName} — ` : nothing}<span id="state" aria-live="polite">${this.stateWords()}</span></span>
      </div>
      ${this.renderStrip()}
      ${this.renderBar()}
      ${this.message ? html`<p class="detail" role="status">${this.message}</p>` : nothing}
    `;
  }

  private stateWords(): string {
    switch (this.state) {
      case 'idle': return 'not started';
      case 'running': return 'running';
      case 'pausing': return 'pausing after this stage…';
      case 'paused': return 'paused';
      case 'stopped': return 'stopped';
      case 'finished': return 'finished';
      case 'failed': return 'failed';
    }
  }

  private renderStrip() {
    const cur = this.current;
    const item = (stage: StageName, iteration: number, title = STAGE_TITLES[stage]) => html`<li aria-current=${cur && cur.stage === stage && cur.iteration === iteration ? 'step' : 'false'}>${title}</li>`;
    const iteration = cur && cur.iteration > 0 ? cur.iteration : 1;
    return html`<ol aria-label="Stages">
      ${SETUP_STAGES.map((stage) => item(stage, 0))}
      ${item('eval', 0, 'evaluate the base model')}
      <li class="sep">→ iteration ${iteration} of ${this.iterations}:</li>
      ${ITERATION_STAGES.map((stage) => item(stage, iteration))}
    </ol>`;
  }

  private renderBar() {
    const p = this.progress;
    if (!p || this.state === 'idle') return nothing;
    const pct = Math.round(p.fraction * 100);
    return html`<div class="bar">
      <progress max="100" .value=${pct} aria-label="Progress of the current stage" aria-valuetext=${`${pct}%`}></progress>
      <span class="detail">${STAGE_TITLES[p.stage]}${p.iteration > 0 ? ` (iteration ${p.iteration})` : ''}: ${pct}%${p.message ? ` — ${p.message}` : ''};
        stage ETA ${formatDuration(p.stageEtaSeconds)}; run ${Math.round(p.runFraction * 100)}% done, ETA ${formatDuration(p.etaSeconds)}</span>
    </div>`;
  }

  private emit(action: ControlAction): void {
    this.dispatchEvent(new CustomEvent<ControlAction>('control', { detail: action, bubbles: true, composed: true }));
  }
}

customElements.define('run-controls', RunControls);
declare global {
  interface HTMLElementTagNameMap { 'run-controls': RunControls }
}
