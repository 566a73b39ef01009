// <probe-panel>: what the probe found: pass rate per cluster, the spread of pass rates, and the hardest
// problems with the model's own answers.
import { html, nothing } from 'lit';
import type { ProbeData } from '../panel-data.ts';
import { percent, probeClusterSpec, probeHistogramSpec } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';
import '../math-text.ts';
import './judged-answer.ts';

const HARDEST_SHOWN = 4;

export class ProbePanel extends StagePanel<ProbeData> {
  protected hasData(data: ProbeData): boolean {
    return data.probed > 0;
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Probe</h2>
      <p class="explain">${explanation('probe')}</p>
      ${d && d.probed > 0 ? this.renderData(d) : html`<p class="empty">${d ? 'This sampler does not probe (it reads no difficulty).' : 'Waiting for the probe.'}</p>`}
    `;
  }

  private renderData(d: ProbeData) {
    const overall = d.passRates.reduce((s, r) => s + r, 0) / Math.max(1, d.passRates.length);
    const weakest = [...d.perCluster].sort((a, b) => a.passRate - b.passRate)[0];
    return html`
      <p class="caption stat">${d.probed} problems × ${d.k} answers; overall pass rate ${percent(overall)}${weakest ? html`; weakest cluster: <strong>${weakest.label}</strong> (${percent(weakest.passRate)})` : nothing}</p>
      <div class="figures">
        <div class="figure"><h3>Pass rate per cluster</h3>
          <lab-chart .config=${probeClusterSpec(d)} label=${`Bar chart of pass rate per cluster: ${d.perCluster.map((c) => `${c.label} ${percent(c.passRate)}`).join(', ')}`}></lab-chart></div>
        <div class="figure"><h3>Difficulty histogram</h3>
          <lab-chart .config=${probeHistogramSpec(d)} label="Histogram of probed problems by answers right out of K"></lab-chart></div>
      </div>
      <h3>Hardest problems</h3>
      ${d.hardest.slice(0, HARDEST_SHOWN).map((p) => html`
        <details class="hard">
          <summary><math-text .text=${p.question}></math-text> — pass rate ${percent(p.passRate)}, gold answer <math-text formula .text=${p.gold}></math-text></summary>
          <div class="figures">${p.answers.map((a, i) => html`<judged-answer .answer=${a} heading=${`answer ${i + 1}`}></judged-answer>`)}</div>
        </details>`)}
    `;
  }
}

customElements.define('probe-panel', ProbePanel);
declare global {
  interface HTMLElementTagNameMap { 'probe-panel': ProbePanel }
}
