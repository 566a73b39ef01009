// <model-loader>: which model folder to load (URL, dtype), and how loading goes: a progress bar
// with the phase, the file and the bytes so far; the error in words when loading fails.
import { LitElement, css, html, nothing } from 'lit';
import { DTYPES, type Dtype, type LoadProgressEvent } from '../../workers/policy-api.ts';
import { formatBytes, loadPercent } from './format.ts';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface LoadModelDetail {
  model: string;
  dtype: Dtype;
}

export class ModelLoader extends LitElement {
  static override properties = {
    model: {},
    dtype: {},
    status: { reflect: true },
    progress: { attribute: false },
    error: {},
    summary: {},
  };

  declare model: string;
  declare dtype: Dtype;
  declare status: LoadStatus;
  declare progress: LoadProgressEvent | null;
  declare error: string;
  declare summary: string;

  constructor() {
    super();
    this.model = '';
    this.dtype = 'f32';
    this.status = 'idle';
    this.progress = null;
    this.error = '';
    this.summary = '';
  }

  static override styles = css`
    :host { display: block; }
    form { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
    label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
    input[type='text'] { min-width: 18rem; font: inherit; padding: 0.3rem; }
    select, button { font: inherit; padding: 0.3rem 0.8rem; }
    .progress { margin-top: 0.8rem; display: flex; flex-direction: column; gap: 0.3rem; }
    progress { width: 100%; height: 1rem; }
    .detail { font-size: 0.85rem; color: #444; font-variant-numeric: tabular-nums; }
    .error { color: #a00; background: #fff0f0; border: 1px solid #e0a0a0; padding: 0.5rem; margin-top: 0.8rem; white-space: pre-wrap; }
    .ready { color: #060; margin-top: 0.5rem; }
  `;

  override render() {
    const loading = this.status === 'loading';
    return html`
      <form @submit=${this.submit}>
        <label>Model folder (URL)
          <input type="text" name="model" .value=${this.model} ?disabled=${loading} spellcheck="false" />
        </label>
        <label>Weights
          <select name="dtype" ?disabled=${loading}>
            ${DTYPES.map((d) => html`<option value=${d} ?selected=${d === this.dtype}>${d}</option>`)}
          </select>
        </label>
        <button type="submit" ?disabled=${loading}>${this.status === 'ready' ? 'Reload' : 'Load'} model</button>
      </form>
      ${this.renderProgress()}
      ${this.status === 'error' ? html`<p class="error" role="alert">Could not load the model: ${this.error}</p>` : nothing}
      ${this.status === 'ready' && this.summary ? html`<p class="ready">Loaded: ${this.summary}</p>` : nothing}
    `;
  }

  private renderProgress() {
    if (this.status === 'idle' || this.status === 'error') return nothing;
    const p = this.progress;
    const value = this.status === 'ready' ? 100 : p ? loadPercent(p.phase, p.loaded, p.total) : 0;
    const detail = this.status === 'ready' ? 'done' : p ? describeProgress(p) : 'starting';
    return html`
      <div class="progress">
        <progress id="load-progress" max="100" .value=${value} aria-label="Model loading progress" aria-valuetext="${value}%"></progress>
        <span class="detail" aria-live="polite">${value}% — ${detail}</span>
      </div>
    `;
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const detail: LoadModelDetail = {
      model: String(data.get('model') ?? '').trim(),
      dtype: String(data.get('dtype') ?? this.dtype) as Dtype,
    };
    this.dispatchEvent(new CustomEvent<LoadModelDetail>('load-model', { detail, bubbles: true, composed: true }));
  }
}

/** e.g. "weights model.safetensors: 120 KiB of 341 KiB" (bytes only for the weights; other phases count files). */
function describeProgress(p: LoadProgressEvent): string {
  const where = `${p.phase}${p.file ? ` ${p.file}` : ''}`;
  if (p.phase !== 'weights') return where;
  return `${where}: ${formatBytes(p.loaded)} of ${formatBytes(p.total)}`;
}

customElements.define('model-loader', ModelLoader);

declare global {
  interface HTMLElementTagNameMap {
    'model-loader': ModelLoader;
  }
}
