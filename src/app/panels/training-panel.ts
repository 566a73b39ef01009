// <training-panel>: DPO's loss, rewards/margins and rewards/accuracies by optimizer step, live.
import { html } from 'lit';
import type { TrainingData } from '../panel-data.ts';
import { TRAIN_METRIC_NAMES, trainingSpec, type TrainMetric } from '../charts/specs.ts';
import { OKABE_ITO } from '../palette.ts';
import { explanation } from '../explanations.ts';
import { StagePanel } from './stage-panel.ts';
import '../charts/lab-chart.ts';

const METRICS: { metric: TrainMetric; color: string }[] = [
  { metric: 'loss', color: OKABE_ITO[4] },
  { metric: 'margins', color: OKABE_ITO[3] },
  { metric: 'accuracies', color: OKABE_ITO[2] },
];

export class TrainingPanel extends StagePanel<TrainingData> {
  protected hasData(data: TrainingData): boolean {
    return data.steps.length > 0;
  }

  override render() {
    const d = this.data;
    const last = d?.steps.at(-1);
    return html`
      <h2>Training</h2>
      <p class="explain">${explanation('training')}</p>
      ${d && d.steps.length > 0 && last ? html`
        <p class="caption stat" aria-live="polite">iteration ${d.iteration}, step ${last.step}${d.totalSteps ? ` of ${d.totalSteps}` : ''}:
          loss ${fmt(last.loss)}, rewards/margins ${fmt(last.margins)}, rewards/accuracies ${fmt(last.accuracies)}</p>
        <div class="figures">${METRICS.map(({ metric, color }) => html`
          <div class="figure"><h3>${TRAIN_METRIC_NAMES[metric]}</h3>
            <lab-chart .config=${trainingSpec(d.steps, metric, color)} .height=${220}
              label=${`Line chart of ${TRAIN_METRIC_NAMES[metric]} over ${d.steps.length} steps, last ${fmt(last[metric])}`}></lab-chart></div>`)}
        </div>`
        : html`<p class="empty">${d ? 'No training this iteration (no pairs).' : 'Waiting for training.'}</p>`}
    `;
  }
}

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(3));

customElements.define('training-panel', TrainingPanel);
declare global {
  interface HTMLElementTagNameMap { 'training-panel': TrainingPanel }
}
