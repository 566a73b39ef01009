// <generate-panel>: the prompt, the sampling settings (n, max tokens, temperature, top-p, seed)
// and the list of completions. Every change is reported upward (`settings-change`) so the lab can keep it in the URL.
import { LitElement, css, html, nothing } from 'lit';
import type { Completion } from '../../workers/policy-api.ts';
import { boundProblem, GENERATE_BOUNDS } from '../../workers/generate-request.ts';
import type { LabState } from './lab-state.ts';

export type GenerateSettings = Pick<LabState, 'prompt' | 'n' | 'maxNewTokens' | 'temperature' | 'topP' | 'seed'>;
type NumericSetting = keyof typeof GENERATE_BOUNDS;

const NUMERIC_INPUTS: { field: NumericSetting; label: string; step: string }[] = [
  { field: 'n', label: 'Completions (n)', step: '1' },
  { field: 'maxNewTokens', label: 'Max new tokens', step: '1' },
  { field: 'temperature', label: 'Temperature', step: '0.05' },
  { field: 'topP', label: 'Top-p', step: '0.01' },
  { field: 'seed', label: 'Seed', step: '1' },
];

export class GeneratePanel extends LitElement {
  static override properties = {
    settings: { attribute: false },
    ready: { type: Boolean },
    busy: { type: Boolean },
    completions: { attribute: false },
    error: {},
    timing: {},
    runs: { type: Number, reflect: true },
  };

  declare settings: GenerateSettings;
  declare ready: boolean;
  declare busy: boolean;
  declare completions: Completion[];
  declare error: string;
  declare timing: string;
  /** generations finished so far (with text or an error), shown as the run number */
  declare runs: number;
  /** inputs whose current text is out of bounds, with the reason */
  private invalid = new Map<NumericSetting, string>();

  constructor() {
    super();
    this.settings = { prompt: '', n: 1, maxNewTokens: 16, temperature: 1, topP: 1, seed: 0 };
    this.ready = false;
    this.busy = false;
    this.completions = [];
    this.error = '';
    this.timing = '';
    this.runs = 0;
  }

  static override styles = css`
    :host { display: block; }
    form { display: flex; flex-direction: column; gap: 0.8rem; }
    label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
    textarea { font: 0.95rem/1.4 ui-monospace, monospace; padding: 0.4rem; min-height: 4.5rem; resize: vertical; }
    .settings { display: flex; flex-wrap: wrap; gap: 0.6rem 1rem; }
    .settings input { width: 7rem; font: inherit; padding: 0.3rem; }
    .settings input[aria-invalid='true'] { border-color: #a00; outline-color: #a00; }
    .invalid { color: #a00; font-size: 0.8rem; }
    button { align-self: start; font: inherit; padding: 0.4rem 1.2rem; }
    ol { padding-left: 1.5rem; }
    li { margin: 0.4rem 0; }
    pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 0.95rem/1.4 ui-monospace, monospace; background: #f6f6f6; padding: 0.4rem; }
    .meta { font-size: 0.8rem; color: #555; }
    .error { color: #a00; background: #fff0f0; border: 1px solid #e0a0a0; padding: 0.5rem; white-space: pre-wrap; }
  `;

  override render() {
    const blocked = !this.ready || this.busy || this.invalid.size > 0;
    return html`
      <form @submit=${this.submit}>
        <label>Prompt
          <textarea name="prompt" .value=${this.settings.prompt} @input=${this.promptInput} spellcheck="false"></textarea>
        </label>
        <div class="settings">${NUMERIC_INPUTS.map((input) => this.renderNumber(input))}</div>
        <button type="submit" ?disabled=${blocked}>${this.busy ? 'Generating…' : 'Generate'}</button>
        ${this.ready ? nothing : html`<span class="meta">Load a model to generate.</span>`}
      </form>
      ${this.error ? html`<p class="error" role="alert">Generation failed: ${this.error}</p>` : nothing}
      <section aria-live="polite" aria-busy=${this.busy ? 'true' : 'false'} aria-label="Completions">
        ${this.runs > 0 ? html`<p class="meta run">Run ${this.runs}${this.timing ? `: ${this.timing}` : ''}</p>` : nothing}
        <ol class="completions">
          ${this.completions.map((c) => html`
            <li><pre class="completion">${c.text}</pre>
              <span class="meta">${c.tokens} tokens, finished by ${c.finishReason}</span></li>`)}
        </ol>
      </section>
    `;
  }

  private renderNumber({ field, label, step }: (typeof NUMERIC_INPUTS)[number]) {
    const bound = GENERATE_BOUNDS[field];
    const problem = this.invalid.get(field);
    return html`
      <label>${label}
        <input type="number" name=${field} min=${bound.min} max=${bound.max} step=${step}
          .value=${String(this.settings[field])} aria-invalid=${problem ? 'true' : 'false'}
          @input=${(event: Event) => this.numberInput(field, event)} />
        ${problem ? html`<span class="invalid">${problem}</span>` : nothing}
      </label>
    `;
  }

  private promptInput(event: Event): void {
    this.change({ prompt: (event.target as HTMLTextAreaElement).value });
  }

  private numberInput(field: NumericSetting, event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    const value = text.trim() === '' ? NaN : Number(text);
    const problem = boundProblem(field, value);
    if (problem) {
      this.invalid.set(field, problem);
      this.requestUpdate();
      return;
    }
    this.invalid.delete(field);
    this.change({ [field]: value });
  }

  private change(patch: Partial<GenerateSettings>): void {
    this.settings = { ...this.settings, ...patch };
    this.dispatchEvent(new CustomEvent<Partial<GenerateSettings>>('settings-change', { detail: patch, bubbles: true, composed: true }));
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    if (!this.ready || this.busy || this.invalid.size > 0) return;
    this.dispatchEvent(new CustomEvent<GenerateSettings>('generate', { detail: this.settings, bubbles: true, composed: true }));
  }
}

customElements.define('generate-panel', GeneratePanel);

declare global {
  interface HTMLElementTagNameMap {
    'generate-panel': GeneratePanel;
  }
}
