// <setup-form>: the experiment's configuration. The choices a first-time user makes (model, data, sampler,
// budgets) up front, every other field of the schema under "All settings". Each change is checked against the
// schema and reported upward (`config-change`) so the lab keeps it in the URL; a bad value stays in its box
// with the reason beside it and changes nothing.
import { LitElement, css, html, nothing } from 'lit';
import { CONFIG_SCHEMA, ConfigError, parseConfig, type ExperimentConfig, type FieldSpec } from '../loop/config.ts';
import { withField } from './config-field.ts';
import type { PoolUpload } from './upload-report.ts';
import { inputText, numberStep, specOf, valueFromInput } from './config-field.ts';
import { presets, type Preset } from './presets.ts';
import './upload-report.ts';
import './model-picker.ts';

/** The fields shown up front, with the words a user looks for. */
const BUDGET_FIELDS: { key: string; label: string }[] = [
  { key: 'iterations', label: 'Iterations' },
  { key: 'probe.minCount', label: 'Probe size (problems)' },
  { key: 'probe.answers', label: 'K (answers per problem)' },
  { key: 'sampler.problems', label: 'Problems per iteration' },
  { key: 'train.beta', label: 'β (DPO)' },
  { key: 'train.loraRank', label: 'LoRA rank' },
  { key: 'train.learningRate', label: 'Learning rate' },
  { key: 'seed', label: 'Run seed' },
];

const BUNDLED_CHOICES = [
  { value: 'gsm8k/train', label: 'GSM8K (grade-school word problems, 7473)' },
  { value: 'math/train', label: 'MATH (competition problems, 7498)' },
  { value: 'math500/test', label: 'MATH-500 (500)' },
];

export class SetupForm extends LitElement {
  static override properties = {
    config: { attribute: false },
    disabled: { type: Boolean },
    invalid: { state: true },
    dataChoice: { state: true },
  };

  declare config: ExperimentConfig;
  /** while a run is going the form is read-only */
  declare disabled: boolean;
  /** dotted key → why the text in its box was not taken */
  declare invalid: Map<string, string>;
  /** where training problems come from, as chosen; the config follows once the choice is complete (a set picked, a file read) */
  declare dataChoice: '' | 'curriculum' | 'bundled' | 'file';

  constructor() {
    super();
    this.config = undefined as unknown as ExperimentConfig;
    this.disabled = false;
    this.invalid = new Map();
    this.dataChoice = '';
  }

  static override styles = css`
    :host { display: block; }
    fieldset { border: 1px solid #bbb; border-radius: 6px; margin: 0 0 0.8rem; padding: 0.5rem 0.8rem 0.8rem; }
    legend { font-weight: 700; padding: 0 0.3rem; }
    .row { display: flex; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: end; }
    label { display: flex; flex-direction: column; font-size: 0.95rem; gap: 0.15rem; }
    label.inline { flex-direction: row; align-items: center; gap: 0.4rem; }
    input, select { font: inherit; padding: 0.3rem; }
    input[type='number'] { width: 8rem; }
    input[aria-invalid='true'] { border: 2px solid #a33b00; }
    .invalid { color: #a33b00; font-size: 0.85rem; }
    .hint { color: #444; font-size: 0.85rem; max-width: 40rem; }
    .presets { display: flex; flex-wrap: wrap; gap: 0.8rem; margin-bottom: 1rem; }
    .preset { display: flex; flex-direction: column; align-items: flex-start; gap: 0.3rem; max-width: 19rem; }
    .preset button { font: inherit; font-weight: 700; padding: 0.5rem 1.1rem; border: 2px solid #0072B2; background: #0072B2; color: #fff; border-radius: 6px; cursor: pointer; }
    .preset button.secondary { background: #fff; color: #0072B2; }
    .preset button:disabled { opacity: 0.5; cursor: default; }
    button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
    details > summary { cursor: pointer; font-weight: 600; margin: 0.3rem 0; }
    .all { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.6rem 1rem; }
    h4 { grid-column: 1 / -1; margin: 0.6rem 0 0; font-size: 1rem; }
  `;

  override render() {
    if (!this.config) return nothing;
    const c = this.config;
    const data = this.dataChoice || c.pool.source;
    return html`
      <div class="presets" role="group" aria-label="Presets">
        ${presets(c).map((p, i) => this.renderPreset(p, i === 0))}
      </div>
      <fieldset ?disabled=${this.disabled}><legend>Model</legend>
        <model-picker .path=${c.model.path} .dtype=${c.model.dtype} @model-change=${this.onModelChange}></model-picker>
      </fieldset>
      <fieldset ?disabled=${this.disabled}><legend>Data</legend>
        <div class="row">
          <label>Training problems
            <select @change=${this.onDataChoice}>
              <option value="curriculum" ?selected=${data === 'curriculum'}>the curriculum (synthetic, 22 skills)</option>
              <option value="bundled" ?selected=${data === 'bundled'}>a bundled data set</option>
              <option value="file" ?selected=${data === 'file'}>my own JSONL file</option>
            </select></label>
          ${data === 'curriculum' ? html`
            ${this.renderField('pool.mix', 'Pool mix')}${this.renderField('pool.count', 'Pool size')}${this.renderField('pool.maxLevel', 'Levels up to')}` : nothing}
          ${data === 'bundled' ? html`
            <label>Data set
              <select @change=${(e: Event) => this.setMany({ 'pool.source': 'bundled', 'pool.file': (e.target as HTMLSelectElement).value })}>
                <option value="" ?selected=${c.pool.source !== 'bundled'} disabled>choose…</option>
                ${BUNDLED_CHOICES.map((b) => html`<option value=${b.value} ?selected=${c.pool.source === 'bundled' && c.pool.file === b.value}>${b.label}</option>`)}
              </select></label>${this.renderField('pool.limit', 'First N problems (0: all)')}` : nothing}
        </div>
        ${data === 'curriculum' ? html`<p class="hint">Imbalanced: most problems exercise skills the model has already mastered, the case SAI-DPO is made for. Balanced: every skill equally often.</p>` : nothing}
        ${data === 'file' ? html`<upload-report @pool-upload=${this.onUpload}></upload-report>` : nothing}
      </fieldset>
      <fieldset ?disabled=${this.disabled}><legend>Sampler</legend>
        <div class="row">${this.renderField('sampler.name', 'Which problems to train on')}</div>
        <p class="hint">${specOf('sampler.name').doc}</p>
      </fieldset>
      <fieldset ?disabled=${this.disabled}><legend>Budgets</legend>
        <div class="row">${BUDGET_FIELDS.map((f) => this.renderField(f.key, f.label))}</div>
      </fieldset>
      <details><summary>All settings</summary>
        <fieldset ?disabled=${this.disabled}><legend>Every field of the experiment</legend>
          <div class="all">
            ${Object.entries(CONFIG_SCHEMA).map(([section, spec]) => html`
              <h4>${section === 'top' ? 'experiment' : section} <span class="hint">— ${spec.doc}</span></h4>
              ${Object.keys(spec.fields).map((name) => this.renderField(section === 'top' ? name : `${section}.${name}`, section === 'top' ? name : `${section}.${name}`, true))}`)}
          </div>
        </fieldset>
      </details>
    `;
  }

  private renderPreset(preset: Preset, primary: boolean) {
    return html`<div class="preset">
      <button class=${primary ? '' : 'secondary'} ?disabled=${this.disabled} aria-describedby=${`preset-${preset.id}`}
        @click=${() => this.dispatchEvent(new CustomEvent<Preset>('preset', { detail: preset, bubbles: true, composed: true }))}>${preset.title}</button>
      <span class="hint" id=${`preset-${preset.id}`}>${preset.description}</span></div>`;
  }

  /** A labelled control for one dotted key; `withDoc` adds the schema's description as a hint. */
  private renderField(key: string, label: string, withDoc = false) {
    const spec = specOf(key);
    const value = this.value(key);
    const problem = this.invalid.get(key);
    const hintId = `hint-${key}`;
    const common = { invalid: problem ? 'true' : 'false' };
    let control;
    if (spec.kind === 'enum') {
      control = html`<select name=${key} @change=${(e: Event) => this.input(key, spec, e)} aria-describedby=${withDoc ? hintId : nothing}>
        ${spec.values.map((v) => html`<option value=${v} ?selected=${v === value}>${v}</option>`)}</select>`;
    } else if (spec.kind === 'boolean') {
      return html`<label class="inline"><input type="checkbox" name=${key} .checked=${value === true} @change=${(e: Event) => this.input(key, spec, e)} />${label}
        ${withDoc ? html`<span class="hint" id=${hintId}>${spec.doc}</span>` : nothing}</label>`;
    } else {
      const numeric = spec.kind === 'number';
      control = html`<input type=${numeric ? 'number' : 'text'} name=${key} step=${numberStep(spec)}
        min=${numeric && spec.min !== undefined ? spec.min : nothing} max=${numeric && spec.max !== undefined ? spec.max : nothing}
        placeholder=${spec.kind === 'number-or-null' ? 'auto' : nothing}
        .value=${inputText(value)} aria-invalid=${common.invalid} aria-describedby=${withDoc ? hintId : nothing}
        @change=${(e: Event) => this.input(key, spec, e)} />`;
    }
    return html`<label>${label}${control}
      ${problem ? html`<span class="invalid" role="alert">${problem}</span>` : nothing}
      ${withDoc ? html`<span class="hint" id=${hintId}>${spec.doc}</span>` : nothing}</label>`;
  }

  private value(key: string): unknown {
    const dot = key.indexOf('.');
    const c = this.config as unknown as Record<string, Record<string, unknown>>;
    return dot < 0 ? (this.config as unknown as Record<string, unknown>)[key] : c[key.slice(0, dot)][key.slice(dot + 1)];
  }

  private input(key: string, spec: FieldSpec, event: Event): void {
    const target = event.target as HTMLInputElement;
    this.set(key, valueFromInput(spec, target.value, target.checked));
  }

  /** Checks and applies one field; a bad value is remembered with its reason and the config stays as it was. */
  set(key: string, value: unknown): void {
    const invalid = new Map(this.invalid);
    try {
      const next = withField(this.config, key, value);
      invalid.delete(key);
      this.invalid = invalid;
      this.dispatchEvent(new CustomEvent<ExperimentConfig>('config-change', { detail: next, bubbles: true, composed: true }));
    } catch (error) {
      invalid.set(key, error instanceof ConfigError ? error.problems.join('; ') : String(error));
      this.invalid = invalid;
    }
  }

  private onDataChoice(event: Event): void {
    const choice = (event.target as HTMLSelectElement).value as 'curriculum' | 'bundled' | 'file';
    this.dataChoice = choice;
    if (choice === 'curriculum') this.setMany({ 'pool.source': 'curriculum', 'pool.file': '' });
  }

  /**
   * An uploaded pool reaches the loop worker as a blob: URL of the file's bytes (same origin, so the worker can
   * fetch it); the fragment carries the file's name for the run's notes.
   */
  private onUpload(event: CustomEvent<PoolUpload>): void {
    const url = URL.createObjectURL(event.detail.file);
    this.setMany({ 'pool.source': 'file', 'pool.file': `${url}#${encodeURIComponent(event.detail.fileName)}` });
  }

  /** Applies several fields at once (the config's cross-field rules see them together). */
  setMany(fields: Record<string, unknown>): void {
    try {
      let next = this.config;
      for (const [key, value] of Object.entries(fields)) next = withField(next, key, value, false);
      next = parseConfig(next);
      const invalid = new Map(this.invalid);
      for (const key of Object.keys(fields)) invalid.delete(key);
      this.invalid = invalid;
      this.dispatchEvent(new CustomEvent<ExperimentConfig>('config-change', { detail: next, bubbles: true, composed: true }));
    } catch (error) {
      this.invalid = new Map(this.invalid).set(Object.keys(fields)[0], error instanceof ConfigError ? error.problems.join('; ') : String(error));
    }
  }

  private onModelChange(event: CustomEvent<{ path: string; dtype: string }>): void {
    event.stopPropagation();
    this.setMany({ 'model.path': event.detail.path, 'model.dtype': event.detail.dtype });
  }
}

customElements.define('setup-form', SetupForm);
declare global {
  interface HTMLElementTagNameMap { 'setup-form': SetupForm }
}
