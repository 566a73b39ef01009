// <knowledge-map-panel>: the pool as a scatter of its knowledge embeddings, coloured by cluster; hovering (or the
// arrow keys on the focused chart) shows a problem, its tags and its current difficulty.
import { html } from 'lit';
import type { KnowledgeMapData } from '../panel-data.ts';
import { knowledgeMapSpec } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';

export class KnowledgeMapPanel extends StagePanel<KnowledgeMapData> {
  protected hasData(data: KnowledgeMapData): boolean {
    return data.points.length > 0;
  }

  override render() {
    const d = this.data;
    return html`
      <h2 id="map-heading">Knowledge map</h2>
      <p class="explain">${explanation('map')}</p>
      ${d && d.points.length > 0 ? html`
        <lab-chart .config=${knowledgeMapSpec(d)} .height=${420}
          label=${`Scatter plot of ${d.points.length} problems in ${d.clusters.length} clusters; ${d.points.filter((p) => p.probeFailed).length} failed in the probe, ${d.points.filter((p) => p.sampled).length} sampled this iteration. Focus it and use the arrow keys to read problems.`}></lab-chart>
        <p class="caption stat">${d.points.length} problems, ${d.clusters.length} clusters, largest: ${largest(d)}</p>`
        : html`<p class="empty">The map appears once the pool is embedded and clustered.</p>`}
    `;
  }
}

function largest(d: KnowledgeMapData): string {
  const top = [...d.clusters].sort((a, b) => b.size - a.size).slice(0, 3);
  return top.map((c) => `${c.label} (${c.size})`).join(', ');
}

customElements.define('knowledge-map-panel', KnowledgeMapPanel);
declare global {
  interface HTMLElementTagNameMap { 'knowledge-map-panel': KnowledgeMapPanel }
}
