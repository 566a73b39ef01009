// <evaluation-panel>: held-out accuracy per iteration and the cluster × iteration heat map.
import { html } from 'lit';
import type { EvaluationData } from '../panel-data.ts';
import { accuracySpec, heatMapSpec, percent } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';

export class EvaluationPanel extends StagePanel<EvaluationData> {
  protected hasData(data: EvaluationData): boolean {
    return data.iterations.length > 0;
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Evaluation</h2>
      <p class="explain">${explanation('evaluation')}</p>
      ${d && d.iterations.length > 0 ? html`
        <p class="caption stat">${verdict(d)}</p>
        <div class="figures">
          <div class="figure"><h3>Held-out accuracy</h3>
            <lab-chart .config=${accuracySpec(d)} label=${`Line chart of held-out accuracy: ${d.iterations.map((i) => `iteration ${i.iteration} ${percent(i.accuracy)}`).join(', ')}`}></lab-chart></div>
          <div class="figure"><h3>Accuracy per ${d.rowKind} and iteration</h3>
            <lab-chart .config=${heatMapSpec(d)} .height=${Math.max(220, 26 * d.clusters.length + 80)}
              label=${`Heat map of held-out accuracy per ${d.rowKind} (rows) and iteration (columns); dark is low, yellow is high`}></lab-chart>
            <p class="caption">${d.rowKind === 'cluster' ? 'Rows: the knowledge clusters (number: its most common knowledge points), each held-out problem placed in the nearest cluster of the pool. ' : ''}Colour: dark purple 0% → yellow 100% (viridis).</p>
            ${d.note ? html`<p class="caption note">${d.note}</p>` : ''}</div>
        </div>
        <details><summary>The numbers</summary>
          <table aria-label=${`Held-out accuracy per ${d.rowKind} and iteration`}>
            <thead><tr><th scope="col">${d.rowKind}</th>${d.iterations.map((i) => html`<th scope="col">iteration ${i.iteration}</th>`)}</tr></thead>
            <tbody>
              ${d.clusters.map((c, r) => html`<tr><th scope="row">${rowName(d, c)}</th>${d.iterations.map((i) => html`<td>${percent(i.perCluster[r])}</td>`)}</tr>`)}
              <tr><th scope="row">all</th>${d.iterations.map((i) => html`<td><strong>${percent(i.accuracy)}</strong></td>`)}</tr>
            </tbody>
          </table></details>`
        : html`<p class="empty">Waiting for the first evaluation.</p>`}
    `;
  }
}

/** A row's name in the table: clusters by their number (as the heat map's axis), with the held-out problems in each. */
function rowName(d: EvaluationData, c: EvaluationData['clusters'][number]): string {
  const name = d.rowKind === 'cluster' ? `${c.cluster + 1}: ${c.label}` : c.label;
  return c.count === undefined ? name : `${name} (${c.count})`;
}

/** One sentence: where accuracy started, where it is, and against random sampling when known. */
function verdict(d: EvaluationData): string {
  const first = d.iterations[0];
  const last = d.iterations.at(-1)!;
  let text = `Iteration ${first.iteration}: ${percent(first.accuracy)}`;
  if (last !== first) text += ` → iteration ${last.iteration}: ${percent(last.accuracy)} (${signed((last.accuracy - first.accuracy) * 100)} points)`;
  const base = d.baseline?.find((b) => b.iteration === last.iteration);
  if (base) text += `; random sampling: ${percent(base.accuracy)} (${signed((last.accuracy - base.accuracy) * 100)} points)`;
  return `${text}.`;
}

const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;

customElements.define('evaluation-panel', EvaluationPanel);
declare global {
  interface HTMLElementTagNameMap { 'evaluation-panel': EvaluationPanel }
}
