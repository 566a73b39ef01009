// <sampling-panel>: the sampler's cluster weights this iteration, beside the previous iteration's and random sampling's.
import { html } from 'lit';
import type { SamplingData } from '../panel-data.ts';
import { percent, samplingSpec } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';

export class SamplingPanel extends StagePanel<SamplingData> {
  protected hasData(data: SamplingData): boolean {
    return data.clusters.length > 0;
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Sampling</h2>
      <p class="explain">${explanation('sampling')}</p>
      ${d && d.clusters.length > 0 ? html`
        <p class="caption stat">${d.drawn} problems drawn by <strong>${d.sampler}</strong> in iteration ${d.iteration}; ${biggestShift(d)}</p>
        <lab-chart .config=${samplingSpec(d)} .height=${300}
          label=${`Grouped bar chart of each cluster's share of the draw: ${d.clusters.map((c) => `${c.label} ${percent(c.now)} (random ${percent(c.random)})`).join(', ')}`}></lab-chart>`
        : html`<p class="empty">Waiting for the sampler.</p>`}
    `;
  }
}

/** A sentence about the cluster the sampler favours most compared with random sampling. */
function biggestShift(d: SamplingData): string {
  const top = [...d.clusters].sort((a, b) => b.now - b.random - (a.now - a.random))[0];
  if (!top) return '';
  const ratio = top.random > 0 ? top.now / top.random : Infinity;
  return `it favours ${top.label} most: ${percent(top.now)} of the draw where random sampling would give ${percent(top.random)}${Number.isFinite(ratio) ? ` (${ratio.toFixed(1)}×)` : ''}.`;
}

customElements.define('sampling-panel', SamplingPanel);
declare global {
  interface HTMLElementTagNameMap { 'sampling-panel': SamplingPanel }
}
