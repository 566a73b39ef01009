// <lab-chart>: one Chart.js chart from a plain configuration. Chart.js loads on demand the first time a chart
// is drawn. The canvas is an image with a label for screen readers, and it is keyboard operable: focus it and
// the arrow keys walk through the points, showing each one's tooltip (what a mouse hover shows).
import { LitElement, css, html } from 'lit';
import type { Chart as ChartType, ChartConfiguration, ActiveElement } from 'chart.js';

type ChartModule = typeof import('./chart-module.ts');
let chartModule: Promise<ChartModule> | null = null;
const loadCharts = (): Promise<ChartModule> => (chartModule ??= import('./chart-module.ts'));

export class LabChart extends LitElement {
  static override properties = {
    config: { attribute: false },
    label: {},
    height: { type: Number },
    drawn: { type: Boolean, reflect: true },
  };

  declare config: ChartConfiguration | null;
  /** what the chart shows, for screen readers */
  declare label: string;
  /** CSS pixels */
  declare height: number;
  /** true once Chart.js has drawn the current configuration (tests wait for it) */
  declare drawn: boolean;
  private chart: ChartType | null = null;
  private drawnType = '';
  private focusIndex = -1;

  constructor() {
    super();
    this.config = null;
    this.label = '';
    this.height = 260;
    this.drawn = false;
  }

  static override styles = css`
    :host { display: block; }
    .frame { position: relative; width: 100%; }
    canvas:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
  `;

  override render() {
    return html`<div class="frame" style="height:${this.height}px">
      <canvas role="img" tabindex="0" aria-label=${this.label} @keydown=${this.onKey} @blur=${this.clearFocus}></canvas>
    </div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('config')) void this.draw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
  }

  private async draw(): Promise<void> {
    const config = this.config;
    if (!config) return;
    const { Chart } = await loadCharts();
    if (config !== this.config) return; // a newer configuration arrived while Chart.js loaded
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const options = { responsive: true, maintainAspectRatio: false, ...config.options };
    if (this.chart && this.drawnType === config.type) {
      // live updates (training curves) keep the chart and only swap data and options
      this.chart.data = config.data;
      this.chart.options = options as never;
      this.chart.update('none');
    } else {
      this.chart?.destroy();
      this.chart = new Chart(canvas, { ...config, options } as ChartConfiguration);
      this.drawnType = config.type;
    }
    this.drawn = true;
  }

  /** Arrow keys move through every point of every visible dataset; Escape hides the tooltip. */
  private onKey(event: KeyboardEvent): void {
    const chart = this.chart;
    if (!chart) return;
    const points: ActiveElement[] = [];
    chart.data.datasets.forEach((dataset, datasetIndex) => {
      if (!chart.isDatasetVisible(datasetIndex)) return;
      for (let index = 0; index < dataset.data.length; index++) points.push({ datasetIndex, index } as ActiveElement);
    });
    if (points.length === 0) return;
    if (event.key === 'Escape') return this.clearFocus();
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: 0, End: 0 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    if (event.key === 'Home') this.focusIndex = 0;
    else if (event.key === 'End') this.focusIndex = points.length - 1;
    else this.focusIndex = (this.focusIndex + step + points.length) % points.length;
    const active = [points[this.focusIndex]];
    chart.setActiveElements(active);
    chart.tooltip?.setActiveElements(active, { x: 0, y: 0 });
    chart.update('none');
  }

  private clearFocus(): void {
    this.focusIndex = -1;
    if (!this.chart) return;
    this.chart.setActiveElements([]);
    this.chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    this.chart.update('none');
  }
}

customElements.define('lab-chart', LabChart);

declare global {
  interface HTMLElementTagNameMap {
    'lab-chart': LabChart;
  }
}
