// <upload-report>: a user's own problems as JSONL (or a JSON array, or either gzipped). The importer reads what it
// can and the report says, line by line (1-based), what it could not and why; the loaded problems go up to the lab
// in a `pool-upload` event. A file with unreadable lines still loads its good ones: nothing is thrown away silently.
import { LitElement, css, html, nothing } from 'lit';
import { importProblems, type ImportResult } from '../data/pool/importers.ts';
import { gunzipText, isGzip } from '../data/pool/gzip.ts';
import type { Problem } from '../data/problem.ts';

export interface PoolUpload {
  fileName: string;
  /** the file as the user chose it (the loop worker reads it again through a blob: URL) */
  file: File;
  problems: Problem[];
  result: ImportResult;
}

const REPORTED_LINES = 50;

export class UploadReport extends LitElement {
  static override properties = {
    result: { attribute: false },
    fileName: { state: true },
    error: { state: true },
    status: { reflect: true },
  };

  declare result: ImportResult | null;
  declare fileName: string;
  declare error: string;
  /** for tests: '' before a file, 'loaded' when every line loaded, 'problems' when some lines did not, 'failed' */
  declare status: '' | 'loaded' | 'problems' | 'failed';

  constructor() {
    super();
    this.result = null;
    this.fileName = '';
    this.error = '';
    this.status = '';
  }

  static override styles = css`
    :host { display: block; margin-top: 0.6rem; }
    label { display: flex; flex-direction: column; gap: 0.2rem; }
    input { font: inherit; }
    .summary { margin: 0.5rem 0; }
    .report { border: 2px solid #a33b00; border-radius: 6px; padding: 0.4rem 0.8rem; background: #fff7f0; }
    .report.ok { border-color: #009E73; background: #f2fbf7; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { text-align: left; padding: 0.15rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
    .error { color: #a33b00; }
    .hint { font-size: 0.85rem; color: #444; }
  `;

  override render() {
    return html`
      <label>Problems file (JSONL: one {"question", "answer"} object per line; .json arrays and .gz also work)
        <input type="file" accept=".jsonl,.json,.gz,.txt,application/json" @change=${this.onFile} /></label>
      <p class="hint">Fields are found by name (question / problem, answer / solution with \\boxed{} or "#### n", knowledge_points / tags, level).</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.result ? this.renderReport(this.result) : nothing}
    `;
  }

  private renderReport(r: ImportResult) {
    const { counts } = r;
    const ok = counts.skipped === 0;
    const mapped = Object.entries(r.mapping).filter(([, f]) => f !== null).map(([role, f]) => `${role} ← "${f}"`);
    return html`
      <section class="report ${ok ? 'ok' : ''}" role=${ok ? 'status' : 'alert'} aria-label="Import report">
        <p class="summary"><strong>${this.fileName}</strong>: loaded ${counts.loaded} of ${counts.records} records
          (${counts.skipped} skipped, ${counts.warnings} with warnings), read as ${r.format}.</p>
        <p class="hint">Fields: ${mapped.length > 0 ? mapped.join(', ') : 'none recognised'}${r.extraFields.length > 0 ? `; other fields kept: ${r.extraFields.join(', ')}` : ''}</p>
        ${r.notes.map((n) => html`<p class="hint">${n}</p>`)}
        ${r.skipped.length > 0 ? this.lineTable('Lines not loaded', r.skipped) : nothing}
        ${r.warnings.length > 0 ? this.lineTable('Loaded with a warning', r.warnings) : nothing}
      </section>
    `;
  }

  private lineTable(caption: string, lines: { line: number; reason: string }[]) {
    return html`<table class="lines">
      <caption>${caption}${lines.length > REPORTED_LINES ? ` (first ${REPORTED_LINES} of ${lines.length})` : ''}</caption>
      <thead><tr><th scope="col">line</th><th scope="col">reason</th></tr></thead>
      <tbody>${lines.slice(0, REPORTED_LINES).map((l) => html`<tr><td>${l.line === 0 ? 'file' : l.line}</td><td>${l.reason}</td></tr>`)}</tbody>
    </table>`;
  }

  private async onFile(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.fileName = file.name;
    this.error = '';
    this.result = null;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const text = isGzip(bytes) ? await gunzipText(bytes) : new TextDecoder().decode(bytes);
      const result = importProblems(text, { source: file.name });
      this.result = result;
      this.status = result.counts.loaded === 0 ? 'failed' : result.counts.skipped > 0 ? 'problems' : 'loaded';
      if (result.counts.loaded > 0) {
        this.dispatchEvent(new CustomEvent<PoolUpload>('pool-upload', { detail: { fileName: file.name, file, problems: result.problems, result }, bubbles: true, composed: true }));
      }
    } catch (error) {
      this.error = `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      this.status = 'failed';
    }
  }
}

customElements.define('upload-report', UploadReport);
declare global {
  interface HTMLElementTagNameMap { 'upload-report': UploadReport }
}
