// <runs-panel>: the runs kept in this browser (IndexedDB): open, resume, rename, delete, export one file, import
// one; per run the adapter (PEFT), the pairs (TRL JSONL), the metrics (CSV) and a printable report.
import { LitElement, css, html, nothing } from 'lit';
import type { RunSummary } from '../loop/store.ts';
import { SUPPORT_KEYS } from '../loop/events.ts';

export type RunAction = 'open' | 'resume' | 'delete' | 'rename' | 'export' | 'adapter' | 'pairs' | 'metrics' | 'report';

export interface RunActionDetail {
  action: RunAction;
  runId: string;
  /** the new name, for rename */
  name?: string;
}

export class RunsPanel extends LitElement {
  static override properties = {
    runs: { attribute: false },
    openRunId: {},
    busy: { type: Boolean },
    renaming: { state: true },
  };

  declare runs: RunSummary[];
  declare openRunId: string;
  declare busy: boolean;
  declare renaming: string;

  constructor() {
    super();
    this.runs = [];
    this.openRunId = '';
    this.busy = false;
    this.renaming = '';
  }

  static override styles = css`
    :host { display: block; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
    tr[aria-current='true'] { background: #eef5fb; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.3rem; }
    button, input { font: inherit; padding: 0.2rem 0.6rem; }
    button:focus-visible, input:focus-visible, label:focus-within { outline: 3px solid #E69F00; outline-offset: 2px; }
    .import { display: inline-flex; gap: 0.5rem; align-items: center; margin-top: 0.6rem; }
    .empty { color: #555; font-style: italic; }
  `;

  override render() {
    return html`
      ${this.runs.length === 0 ? html`<p class="empty">No runs yet. Runs are kept in this browser until you delete them.</p>` : html`
        <table aria-label="Saved runs">
          <thead><tr><th scope="col">name</th><th scope="col">updated</th><th scope="col">stages saved</th><th scope="col">actions</th></tr></thead>
          <tbody>${this.runs.map((run) => this.renderRun(run))}</tbody>
        </table>`}
      <label class="import">Import a run file
        <input type="file" accept=".json,.saidpo,application/octet-stream,application/json" ?disabled=${this.busy} @change=${this.onImport} /></label>
    `;
  }

  private renderRun(run: RunSummary) {
    const act = (action: RunAction, label: string, hint: string) => html`<button ?disabled=${this.busy} aria-label=${`${label} ${run.name}`} title=${hint}
      @click=${() => this.emit({ action, runId: run.id })}>${label}</button>`;
    return html`<tr aria-current=${run.id === this.openRunId ? 'true' : 'false'}>
      <td>${this.renaming === run.id ? html`
        <form @submit=${(e: SubmitEvent) => this.submitRename(e, run.id)}>
          <input name="name" aria-label="New name" .value=${run.name} />
          <button type="submit">Save</button></form>` : run.name}</td>
      <td>${new Date(run.updatedAt).toLocaleString()}</td>
      <td>${run.stages.filter((key) => !SUPPORT_KEYS.includes(key)).length}</td>
      <td class="actions">
        ${act('open', 'Open', 'Show this run in the panels')}
        ${act('resume', 'Resume', 'Go on from the first stage with no saved output')}
        <button ?disabled=${this.busy} aria-label=${`Rename ${run.name}`} title="Give this run a new name" @click=${() => (this.renaming = run.id)}>Rename</button>
        ${act('export', 'Export', 'The whole run as one file')}
        ${act('adapter', 'Adapter', 'The trained LoRA adapter in PEFT format')}
        ${act('pairs', 'Pairs', 'Every DPO pair in TRL format (JSONL)')}
        ${act('metrics', 'Metrics', 'Stage and evaluation metrics as CSV')}
        ${act('report', 'Report', 'A printable report: configuration, charts, final table')}
        ${act('delete', 'Delete', 'Delete this run from the browser')}
      </td></tr>`;
  }

  private submitRename(event: SubmitEvent, runId: string): void {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name') ?? '').trim();
    this.renaming = '';
    if (name) this.emit({ action: 'rename', runId, name });
  }

  private async onImport(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    input.value = '';
    this.dispatchEvent(new CustomEvent('import-run', { detail: { name: file.name, bytes }, bubbles: true, composed: true }));
  }

  private emit(detail: RunActionDetail): void {
    if (detail.action === 'delete' && !confirm(`Delete the run "${this.runs.find((r) => r.id === detail.runId)?.name}"? This cannot be undone.`)) return;
    this.dispatchEvent(new CustomEvent<RunActionDetail>('run-action', { detail, bubbles: true, composed: true }));
  }
}

customElements.define('runs-panel', RunsPanel);
declare global {
  interface HTMLElementTagNameMap { 'runs-panel': RunsPanel }
}
