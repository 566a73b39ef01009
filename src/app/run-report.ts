// <run-report>: what a printed run shows besides the panels: the run's configuration (every field that differs
// from the defaults, and the rest on request) and the final table. Hidden on screen; the lab's print style shows it.
import { LitElement, css, html, nothing } from 'lit';
import { configOverrides, flattenConfig, type ExperimentConfig } from '../loop/config.ts';
import type { CompareData, EvaluationData } from './panel-data.ts';
import { percent } from './charts/specs.ts';

export class RunReport extends LitElement {
  static override properties = {
    config: { attribute: false },
    runName: {},
    evaluation: { attribute: false },
    compare: { attribute: false },
  };

  declare config: ExperimentConfig | null;
  declare runName: string;
  declare evaluation: EvaluationData | null;
  declare compare: CompareData | null;

  constructor() {
    super();
    this.config = null;
    this.runName = '';
    this.evaluation = null;
    this.compare = null;
  }

  static override styles = css`
    :host { font-size: 0.95rem; }
    table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
    th, td { border: 1px solid #999; padding: 0.15rem 0.5rem; text-align: left; font-variant-numeric: tabular-nums; }
    h2 { font-size: 1.2rem; }
  `;

  override render() {
    if (!this.config) return nothing;
    const overrides = new Set([...flattenConfig({ ...this.config } as ExperimentConfig).keys()].filter((k) => hasKey(configOverrides(this.config!), k)));
    const e = this.evaluation;
    return html`
      <h2>Report: ${this.runName}</h2>
      <p>Printed ${new Date().toLocaleString()}. Settings that differ from the defaults are in bold.</p>
      ${e ? html`<h2>Final table</h2>
        <table><thead><tr><th>iteration</th><th>held-out accuracy</th>${e.baseline ? html`<th>random sampling</th>` : nothing}</tr></thead>
          <tbody>${e.iterations.map((i) => html`<tr><td>${i.iteration}</td><td>${percent(i.accuracy)}</td>
            ${e.baseline ? html`<td>${percent(e.baseline.find((b) => b.iteration === i.iteration)?.accuracy)}</td>` : nothing}</tr>`)}</tbody></table>` : nothing}
      ${this.compare && this.compare.differences.length > 0 ? html`<table><thead><tr><th>difference</th><th>mean</th><th>95% interval</th></tr></thead>
        <tbody>${this.compare.differences.map((d) => html`<tr><td>${d.label}</td><td>${pts(d.mean)}</td><td>${d.seeds < 2 ? 'one seed: no interval' : `${pts(d.low)} to ${pts(d.high)}`}</td></tr>`)}</tbody></table>` : nothing}
      <h2>Configuration</h2>
      <table><tbody>${[...flattenConfig(this.config)].map(([k, v]) => html`<tr><th scope="row">${overrides.has(k) ? html`<strong>${k}</strong>` : k}</th><td>${Array.isArray(v) ? v.join(', ') : String(v)}</td></tr>`)}</tbody></table>
    `;
  }
}

const pts = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pts`;

function hasKey(overrides: object, dotted: string): boolean {
  const [a, b] = dotted.split('.');
  const top = (overrides as Record<string, unknown>)[a];
  return b === undefined ? top !== undefined : typeof top === 'object' && top !== null && b in top;
}

customElements.define('run-report', RunReport);
declare global {
  interface HTMLElementTagNameMap { 'run-report': RunReport }
}
