// <compare-panel>: several runs (samplers, seeds) on one chart, mean with a 95% interval band, and the
// paired difference of each sampler's final accuracy to random sampling's.
import { html } from 'lit';
import type { CompareData } from '../panel-data.ts';
import { compareSpec, percent } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';

export class ComparePanel extends StagePanel<CompareData> {
  protected hasData(data: CompareData): boolean {
    return data.series.length > 0;
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Compare</h2>
      <p class="explain">${explanation('compare')}</p>
      ${d && d.series.length > 0 ? html`
        <lab-chart .config=${compareSpec(d)} .height=${320}
          label=${`Line chart of mean held-out accuracy with 95% intervals for ${d.series.map((s) => s.label).join(', ')}`}></lab-chart>
        ${d.differences.length > 0 ? html`
          <table aria-label="Paired difference in final accuracy against random sampling">
            <thead><tr><th scope="col">sampler</th><th scope="col">final accuracy − random</th><th scope="col">95% interval</th><th scope="col">reading</th></tr></thead>
            <tbody>${d.differences.map((x) => html`<tr><td>${x.label}</td><td>${points(x.mean)}</td>
              <td>${x.seeds < 2 ? 'needs 2 or more seeds' : html`${points(x.low)} to ${points(x.high)}`}</td>
              <td>${x.seeds < 2 ? 'one seed: no verdict' : x.low > 0 ? 'better than random' : x.high < 0 ? 'worse than random' : 'no clear difference'}</td></tr>`)}</tbody>
          </table>` : ''}
        <p class="caption">${d.series.map((s) => `${s.label}: ${s.seeds} run${s.seeds === 1 ? '' : 's'}, final ${percent(s.points.at(-1)?.mean)}`).join('; ')}</p>`
        : html`<p class="empty">Finish runs with different samplers or seeds (the "Compare samplers" preset starts them) to compare them here.</p>`}
    `;
  }
}

const points = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pts`;

customElements.define('compare-panel', ComparePanel);
declare global {
  interface HTMLElementTagNameMap { 'compare-panel': ComparePanel }
}
