// <model-picker>: which policy model the experiment trains. The built-in models are folders of this site; a
// Hugging Face model id or any model folder URL is checked before anything large is downloaded: its config.json
// gives the parameter count, the download size and the largest weight matrix, which must fit the device's limits.
import { LitElement, css, html, nothing } from 'lit';
import { parseConfig } from '../engine/files/config.ts';
import { formatBytes } from './format.ts';
import { formatParameters, LARGE_DOWNLOAD_BYTES, modelSize, tooBigReason, type DeviceBudget, type SizeDtype } from './model-size.ts';

export const BUILT_IN_MODELS = [
  { name: 'tiny-math', label: 'tiny-math (built in, trained on the curriculum)' },
  { name: 'tiny-random', label: 'tiny-random (built in, untrained: for checking the machinery)' },
];

export type SizeCheck =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ok'; text: string; warning: string | null }
  | { state: 'too-big'; text: string; reason: string }
  | { state: 'error'; text: string };

/** The folder URL a config's model.path stands for in the page. */
export function modelFolderUrl(path: string, base: string): string {
  if (BUILT_IN_MODELS.some((m) => m.name === path)) return new URL(`models/${path}/`, base).href;
  if (/^[\w.-]+\/[\w.-]+$/.test(path)) return `https://huggingface.co/${path}/resolve/main/`;
  return new URL(path.endsWith('/') ? path : `${path}/`, base).href;
}

/** The device's buffer limits, read from the adapter (no device is created; the workers own the GPU). */
async function deviceBudget(): Promise<DeviceBudget | null> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return null;
  return { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize };
}

/** Bytes of the weights from the server's Content-Length (or the shard index's total), without downloading them. */
async function downloadBytes(folder: string): Promise<number | null> {
  const head = await fetch(`${folder}model.safetensors`, { method: 'HEAD' }).catch(() => null);
  const length = head?.ok ? Number(head.headers.get('Content-Length')) : NaN;
  if (Number.isFinite(length) && length > 0) return length;
  const index = await fetch(`${folder}model.safetensors.index.json`).catch(() => null);
  if (!index?.ok) return null;
  const total = ((await index.json()) as { metadata?: { total_size?: number } }).metadata?.total_size;
  return typeof total === 'number' ? total : null;
}

export async function checkModel(folder: string, dtype: SizeDtype): Promise<SizeCheck> {
  let response: Response;
  try {
    response = await fetch(`${folder}config.json`);
  } catch (error) {
    return { state: 'error', text: `Could not reach ${folder}config.json (${error instanceof Error ? error.message : String(error)}); check the address and your connection.` };
  }
  if (!response.ok) return { state: 'error', text: `${folder}config.json: ${response.status} ${response.status === 404 ? 'not found' : response.statusText}` };
  let size;
  try {
    size = modelSize(parseConfig(await response.text(), `${folder}config.json`), dtype);
  } catch (error) {
    return { state: 'error', text: error instanceof Error ? error.message : String(error) };
  }
  const bytes = await downloadBytes(folder);
  const text = `${formatParameters(size.parameters)}; download ${bytes === null ? 'size unknown' : formatBytes(bytes)}; about ${formatBytes(size.weightBytes)} of GPU memory as ${dtype}.`;
  const budget = await deviceBudget();
  const reason = budget ? tooBigReason(size, budget) : null;
  if (reason) return { state: 'too-big', text, reason };
  const warning = bytes !== null && bytes > LARGE_DOWNLOAD_BYTES ? `This is a large download (${formatBytes(bytes)}); it is kept in the browser's cache after the first time.` : null;
  return { state: 'ok', text, warning };
}

export class ModelPicker extends LitElement {
  static override properties = {
    path: {},
    dtype: {},
    custom: { state: true },
    check: { state: true },
  };

  declare path: string;
  declare dtype: SizeDtype;
  /** the text box's model id or URL, while the user types */
  declare custom: string;
  declare check: SizeCheck;

  constructor() {
    super();
    this.path = 'tiny-math';
    this.dtype = 'f32';
    this.custom = '';
    this.check = { state: 'idle' };
  }

  static override styles = css`
    :host { display: block; }
    .row { display: flex; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: end; }
    label { display: flex; flex-direction: column; gap: 0.15rem; font-size: 0.95rem; }
    input, select, button { font: inherit; padding: 0.3rem; }
    input[type='text'] { min-width: 20rem; }
    .note { margin: 0.4rem 0 0; }
    .warn { color: #7a4b00; }
    .bad { color: #a33b00; font-weight: 600; }
    button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
  `;

  override render() {
    const builtIn = BUILT_IN_MODELS.some((m) => m.name === this.path);
    return html`
      <div class="row">
        <label>Model
          <select @change=${this.onChoice}>
            ${BUILT_IN_MODELS.map((m) => html`<option value=${m.name} ?selected=${m.name === this.path}>${m.label}</option>`)}
            <option value="custom" ?selected=${!builtIn}>a Hugging Face model id or a folder URL…</option>
          </select></label>
        ${builtIn ? nothing : html`
          <label>Model id or folder URL
            <input type="text" spellcheck="false" placeholder="HuggingFaceTB/SmolLM2-135M-Instruct" .value=${this.custom || this.path}
              @input=${(e: Event) => (this.custom = (e.target as HTMLInputElement).value.trim())} /></label>
          <button type="button" @click=${this.useCustom}>Check size and use</button>`}
        <label>Weights on the GPU
          <select @change=${(e: Event) => this.emit(this.path, (e.target as HTMLSelectElement).value as SizeDtype)}>
            ${(['f32', 'q8', 'q4'] as const).map((d) => html`<option value=${d} ?selected=${d === this.dtype}>${d}</option>`)}
          </select></label>
      </div>
      ${this.renderCheck()}
    `;
  }

  private renderCheck() {
    const c = this.check;
    switch (c.state) {
      case 'idle': return nothing;
      case 'checking': return html`<p class="note" role="status">Reading the model's config.json…</p>`;
      case 'ok': return html`<p class="note" role="status">${c.text}</p>${c.warning ? html`<p class="note warn" role="status">${c.warning}</p>` : nothing}`;
      case 'too-big': return html`<p class="note bad" role="alert">Too big for this device: ${c.reason}. Nothing was downloaded. (${c.text}) Try q8 or q4 weights, or a smaller model.</p>`;
      case 'error': return html`<p class="note bad" role="alert">${c.text}</p>`;
    }
  }

  private onChoice(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.check = { state: 'idle' };
    if (value === 'custom') {
      this.path = this.custom || '';
      this.requestUpdate();
      return;
    }
    this.emit(value, this.dtype);
  }

  private async useCustom(): Promise<void> {
    const path = this.custom || this.path;
    if (!path) return;
    this.check = { state: 'checking' };
    this.check = await checkModel(modelFolderUrl(path, location.href), this.dtype);
    if (this.check.state === 'ok') this.emit(path, this.dtype);
  }

  private emit(path: string, dtype: SizeDtype): void {
    this.dispatchEvent(new CustomEvent('model-change', { detail: { path, dtype }, bubbles: true, composed: true }));
  }
}

customElements.define('model-picker', ModelPicker);
declare global {
  interface HTMLElementTagNameMap { 'model-picker': ModelPicker }
}
