// <model-picker>: which policy model the experiment trains. The built-in models are folders of this site; a
// Hugging Face model id or any model folder URL is checked before anything large is downloaded: its config.json
// gives the parameter count, the download size and the largest weight matrix, which must fit the device's limits.
// A folder on this computer (picked as a folder, or as its files) gets the same check from its config.json, then is
// saved in the browser's IndexedDB (src/store/local-models.ts) and named `local:<folder name>`, so the workers can load
// it and a run resumes after a reload; the saved folders are listed to pick again or delete.
import { LitElement, css, html, nothing } from 'lit';
import { parseConfig } from '../engine/files/config.ts';
import { parseJsonObject } from '../engine/files/json.ts';
import { localFolderName, localModelName, LOCAL_PREFIX } from '../store/local-model-path.ts';
import type { LocalModelFile, LocalModelInfo } from '../store/local-models.ts';
import { errorMessage, formatBytes } from './format.ts';
import { formatParameters, LARGE_DOWNLOAD_BYTES, modelSize, tooBigReason, type DeviceBudget, type SizeDtype } from './model-size.ts';

export const BUILT_IN_MODELS = [
  { name: 'tiny-math', label: 'tiny-math (built in, trained on the curriculum)' },
  { name: 'tiny-random', label: 'tiny-random (built in, untrained: for checking the machinery)' },
];

export type SizeCheck =
  | { state: 'idle' }
  | { state: 'checking'; text?: string }
  | { state: 'ok'; text: string; warning: string | null }
  /** `local`: a folder on this computer (nothing to download; nothing was saved) */
  | { state: 'too-big'; text: string; reason: string; local?: boolean }
  | { state: 'error'; text: string };

type Choice = 'built-in' | 'custom' | 'local';

function choiceOf(path: string): Choice {
  if (BUILT_IN_MODELS.some((m) => m.name === path)) return 'built-in';
  return localModelName(path) === null ? 'custom' : 'local';
}

/** The folder store (IndexedDB), loaded when a local folder is first used, not with the page. */
const localModels = () => import('../store/local-models.ts');

/** Files of a picked folder the engine reads: the folder's own JSON, safetensors and chat-template files. */
const KEPT_FILE = /\.(json|safetensors|jinja)$/i;

export interface PickedFolder {
  /** the folder's name (from the picked folder, else from config.json's _name_or_path) */
  name: string;
  files: LocalModelFile[];
  /** files left out: in subfolders, or of kinds the engine never reads (README.md, *.bin, *.onnx…) */
  leftOut: string[];
}

/** The model files of what the user picked: a folder (paths "folder/file") or loose files. */
export async function pickedFolder(picked: readonly File[]): Promise<PickedFolder> {
  const files: LocalModelFile[] = [];
  const leftOut: string[] = [];
  let folder: string | null = null;
  for (const file of picked) {
    const parts = (file.webkitRelativePath || file.name).split('/');
    if (parts.length > 1) folder ??= parts[0];
    const inner = parts.length > 1 ? parts.slice(1) : parts;
    if (inner.length === 1 && KEPT_FILE.test(inner[0])) files.push({ name: inner[0], data: file });
    else leftOut.push(inner.join('/'));
  }
  if (folder === null) {
    const config = files.find((f) => f.name === 'config.json');
    const named = config ? parseJsonObject(await config.data.text(), 'config.json')._name_or_path : undefined;
    folder = typeof named === 'string' && named ? named.split('/').filter(Boolean).pop() ?? 'my-model' : 'my-model';
  }
  return { name: localFolderName(folder), files, leftOut: leftOut.sort() };
}

/** The size check of a local folder: `bytes` on disk, the rest as for a URL. */
async function checkLocalConfig(configText: string, fileName: string, bytes: number, dtype: SizeDtype): Promise<SizeCheck> {
  let size;
  try {
    size = modelSize(parseConfig(configText, fileName), dtype);
  } catch (error) {
    return { state: 'error', text: errorMessage(error) };
  }
  const text = `${formatParameters(size.parameters)}; ${formatBytes(bytes)} of files; about ${formatBytes(size.weightBytes)} of GPU memory as ${dtype}.`;
  const budget = await deviceBudget();
  const reason = budget ? tooBigReason(size, budget) : null;
  return reason ? { state: 'too-big', text, reason, local: true } : { state: 'ok', text, warning: null };
}

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
    choice: { state: true },
    saved: { state: true },
  };

  declare path: string;
  declare dtype: SizeDtype;
  /** the text box's model id or URL, while the user types */
  declare custom: string;
  declare check: SizeCheck;
  /** which kind of model the select shows (a built-in one, an id or URL, a folder on this computer) */
  declare choice: Choice;
  /** the folders saved in this browser; null until read */
  declare saved: LocalModelInfo[] | null;

  constructor() {
    super();
    this.path = 'tiny-math';
    this.dtype = 'f32';
    this.custom = '';
    this.check = { state: 'idle' };
    this.choice = 'built-in';
    this.saved = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('path')) this.choice = choiceOf(this.path);
  }

  protected override updated(): void {
    if (this.choice === 'local' && this.saved === null) void this.refreshSaved();
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
    ul.saved { list-style: none; padding: 0; margin: 0.5rem 0 0; display: flex; flex-direction: column; gap: 0.3rem; }
    ul.saved li { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
    ul.saved button[aria-pressed='true'] { font-weight: 700; }
    button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
  `;

  override render() {
    const choice = this.choice;
    return html`
      <div class="row">
        <label>Model
          <select @change=${this.onChoice}>
            ${BUILT_IN_MODELS.map((m) => html`<option value=${m.name} ?selected=${choice === 'built-in' && m.name === this.path}>${m.label}</option>`)}
            <option value="custom" ?selected=${choice === 'custom'}>a Hugging Face model id or a folder URL…</option>
            <option value="local" ?selected=${choice === 'local'}>a folder on this computer…</option>
          </select></label>
        ${choice === 'local' ? this.renderLocal() : nothing}
        ${choice !== 'custom' ? nothing : html`
          <label>Model id or folder URL
            <input type="text" spellcheck="false" placeholder="HuggingFaceTB/SmolLM2-135M-Instruct" .value=${this.custom || this.customPath()}
              @input=${(e: Event) => (this.custom = (e.target as HTMLInputElement).value.trim())} /></label>
          <button type="button" @click=${this.useCustom}>Check size and use</button>`}
        <label>Weights on the GPU
          <select @change=${(e: Event) => this.emit(this.path, (e.target as HTMLSelectElement).value as SizeDtype)}>
            ${(['f32', 'q8', 'q4'] as const).map((d) => html`<option value=${d} ?selected=${d === this.dtype}>${d}</option>`)}
          </select></label>
      </div>
      ${this.renderCheck()}
      ${choice === 'local' ? this.renderSaved() : nothing}
    `;
  }

  private renderLocal() {
    const busy = this.check.state === 'checking';
    return html`
      <label>Model folder (config.json, tokenizer.json, *.safetensors)
        <input type="file" webkitdirectory multiple ?disabled=${busy} aria-label="Choose a model folder on this computer" @change=${this.onPicked} /></label>
      <label>…or the folder's files
        <input type="file" multiple accept=".json,.safetensors,.jinja" ?disabled=${busy} aria-label="Choose a model folder's files on this computer" @change=${this.onPicked} /></label>`;
  }

  private renderSaved() {
    if (this.saved === null) return nothing;
    if (this.saved.length === 0) return html`<p class="note">No folders are saved in this browser yet. A folder you pick is copied into the browser's storage, so runs can use it after a reload.</p>`;
    const current = localModelName(this.path);
    return html`
      <p class="note" id="saved-heading">Saved in this browser:</p>
      <ul class="saved" aria-labelledby="saved-heading">
        ${this.saved.map((f) => html`<li>
          <button type="button" aria-pressed=${f.name === current ? 'true' : 'false'} aria-label=${`Use the saved folder ${f.name}`}
            ?disabled=${this.check.state === 'checking'} @click=${() => this.useSaved(f.name)}>${f.name}</button>
          <span>${formatBytes(f.bytes)}, ${f.files.length} files, saved ${f.savedAt.slice(0, 10)}</span>
          <button type="button" aria-label=${`Delete the saved folder ${f.name}`} ?disabled=${this.check.state === 'checking'}
            @click=${() => this.deleteSaved(f.name)}>Delete</button>
        </li>`)}
      </ul>`;
  }

  private async refreshSaved(): Promise<void> {
    try {
      this.saved = await (await localModels()).listLocalModels();
    } catch (error) {
      this.saved = [];
      this.check = { state: 'error', text: `Could not read the saved folders: ${errorMessage(error)}` };
    }
  }

  /** A folder (or its files) was picked: check it, size it, save it, use it. */
  private async onPicked(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const picked = [...(input.files ?? [])];
    input.value = '';
    if (picked.length === 0) return;
    this.check = { state: 'checking' };
    try {
      const folder = await pickedFolder(picked);
      const store = await localModels();
      const missing = await store.missingModelFiles(folder.files);
      if (missing.length > 0) {
        this.check = { state: 'error', text: `"${folder.name}" is not a model folder: it has no ${missing.join(', no ')}. Pick the folder that holds config.json, tokenizer.json and the .safetensors weights.` };
        return;
      }
      const config = folder.files.find((f) => f.name === 'config.json')!;
      const bytes = folder.files.reduce((sum, f) => sum + f.data.size, 0);
      const check = await checkLocalConfig(await config.data.text(), `${folder.name}/config.json`, bytes, this.dtype);
      if (check.state !== 'ok') {
        this.check = check;
        return;
      }
      this.check = { state: 'checking', text: `${check.text} Copying ${formatBytes(bytes)} into this browser's storage…` };
      await store.saveLocalModel(folder.name, folder.files);
      const leftOut = folder.leftOut.length === 0 ? null
        : `Left out (the engine does not read them): ${folder.leftOut.slice(0, 6).join(', ')}${folder.leftOut.length > 6 ? ` and ${folder.leftOut.length - 6} more` : ''}.`;
      this.check = { state: 'ok', text: `${check.text} Saved in this browser as ${LOCAL_PREFIX}${folder.name}.`, warning: leftOut };
      await this.refreshSaved();
      this.emit(`${LOCAL_PREFIX}${folder.name}`, this.dtype);
    } catch (error) {
      this.check = { state: 'error', text: errorMessage(error) };
    }
  }

  private async useSaved(name: string): Promise<void> {
    this.check = { state: 'checking' };
    try {
      const folder = this.saved?.find((f) => f.name === name);
      const config = await (await localModels()).localModelSource(name).readText('config.json');
      const check = await checkLocalConfig(config, `${LOCAL_PREFIX}${name}/config.json`, folder?.bytes ?? 0, this.dtype);
      this.check = check;
      if (check.state === 'ok') this.emit(`${LOCAL_PREFIX}${name}`, this.dtype);
    } catch (error) {
      this.check = { state: 'error', text: errorMessage(error) };
    }
  }

  private async deleteSaved(name: string): Promise<void> {
    try {
      await (await localModels()).deleteLocalModel(name);
      this.check = { state: 'ok', text: `Deleted ${LOCAL_PREFIX}${name} from this browser.`, warning: localModelName(this.path) === name ? 'The experiment still names it: pick another model before starting.' : null };
    } catch (error) {
      this.check = { state: 'error', text: errorMessage(error) };
    }
    await this.refreshSaved();
  }

  private renderCheck() {
    const c = this.check;
    switch (c.state) {
      case 'idle': return nothing;
      case 'checking': return html`<p class="note" role="status">${c.text ?? "Reading the model's config.json…"}</p>`;
      case 'ok': return html`<p class="note" role="status">${c.text}</p>${c.warning ? html`<p class="note warn" role="status">${c.warning}</p>` : nothing}`;
      case 'too-big': return html`<p class="note bad" role="alert">Too big for this device: ${c.reason}. Nothing was ${c.local ? 'saved' : 'downloaded'}. (${c.text}) Try q8 or q4 weights, or a smaller model.</p>`;
      case 'error': return html`<p class="note bad" role="alert">${c.text}</p>`;
    }
  }

  private onChoice(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.check = { state: 'idle' };
    if (value === 'custom' || value === 'local') {
      this.choice = value;
      return;
    }
    this.emit(value, this.dtype);
  }

  /** the experiment's model when it is an id or a URL (not a built-in or local one) */
  private customPath(): string {
    return choiceOf(this.path) === 'custom' ? this.path : '';
  }

  private async useCustom(): Promise<void> {
    const path = this.custom || this.customPath();
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
