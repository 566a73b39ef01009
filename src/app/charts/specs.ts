// Chart.js configurations built from the panels' plain data. Pure functions (no DOM), so they can be checked in
// Node; <lab-chart> draws them. Axis titles always say what is measured and in what unit.
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { CompareData, EvaluationData, KnowledgeMapData, MapPoint, ProbeData, SamplingData, TrainPoint } from '../panel-data.ts';
import { categoryColor, categoryShape, OKABE_ITO, viridis, withAlpha } from '../palette.ts';

const percentAxis = (title: string) => ({
  min: 0,
  max: 1,
  title: { display: true, text: title },
  ticks: { callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` },
});

export const percent = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);

const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The knowledge map: one dataset per cluster (colour and shape), then the probe's failures and the sampled problems on top. */
export function knowledgeMapSpec(data: KnowledgeMapData): ChartConfiguration<'scatter'> {
  const byCluster = data.clusters.map((cluster) => ({
    label: `${cluster.index + 1}: ${cluster.label}`,
    data: data.points.filter((p) => p.cluster === cluster.index) as unknown as { x: number; y: number }[],
    backgroundColor: withAlpha(categoryColor(cluster.index), 0.75),
    borderColor: categoryColor(cluster.index),
    pointStyle: categoryShape(cluster.index),
    pointRadius: 3.5,
    pointHoverRadius: 7,
  }));
  const overlay = (label: string, points: MapPoint[], style: 'circle' | 'rectRot', radius: number) => ({
    label,
    data: points as unknown as { x: number; y: number }[],
    backgroundColor: 'transparent',
    borderColor: '#000',
    borderWidth: 2,
    pointStyle: style,
    pointRadius: radius,
    pointHoverRadius: radius + 2,
  });
  return {
    type: 'scatter',
    data: {
      datasets: [
        ...byCluster,
        overlay('probe failed', data.points.filter((p) => p.probeFailed), 'circle', 7),
        overlay('sampled this iteration', data.points.filter((p) => p.sampled), 'rectRot', 9),
      ],
    },
    options: {
      scales: { x: { title: { display: true, text: 'projection 1 (PCA)' } }, y: { title: { display: true, text: 'projection 2 (PCA)' } } },
      plugins: {
        legend: { position: 'right', labels: { usePointStyle: true, boxWidth: 10 } },
        tooltip: {
          callbacks: {
            // a canvas tooltip cannot typeset: show the TeX without its $ delimiters
            title: (items: TooltipItem<'scatter'>[]) => shorten(((items[0]?.raw as MapPoint | undefined)?.question ?? '').replace(/\$/g, ''), 90),
            label: (item: TooltipItem<'scatter'>) => describePoint(item.raw as MapPoint, data),
          },
        },
      },
    },
  };
}

function describePoint(p: MapPoint, data: KnowledgeMapData): string[] {
  const cluster = data.clusters.find((c) => c.index === p.cluster);
  return [
    `cluster ${p.cluster + 1}${cluster ? `: ${cluster.label}` : ''}`,
    `tags: ${p.tags.length > 0 ? p.tags.join(', ') : '(none)'}`,
    `difficulty: ${p.difficulty === null ? 'not yet known' : p.difficulty.toFixed(2)}`,
    ...(p.probeFailed ? ['the probe found errors here'] : []),
    ...(p.sampled ? ['sampled for training this iteration'] : []),
  ];
}

/** Pass rate per cluster, as bars. */
export function probeClusterSpec(data: ProbeData): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: data.perCluster.map((c) => `${c.cluster + 1}: ${shorten(c.label, 18)}`),
      datasets: [{
        label: 'pass rate',
        data: data.perCluster.map((c) => c.passRate),
        backgroundColor: data.perCluster.map((c) => categoryColor(c.cluster)),
        borderColor: '#000',
        borderWidth: 1,
      }],
    },
    options: {
      scales: { y: percentAxis('pass rate'), x: { title: { display: true, text: 'cluster' } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item: TooltipItem<'bar'>) => `${percent(item.raw as number)} over ${data.perCluster[item.dataIndex].probed} probed problems` } },
      },
    },
  };
}

/** How many probed problems had 0/K, 1/K, ..., K/K answers right. */
export function passRateHistogram(passRates: number[], k: number): { labels: string[]; counts: number[] } {
  const counts = new Array<number>(k + 1).fill(0);
  for (const rate of passRates) counts[Math.max(0, Math.min(k, Math.round(rate * k)))]++;
  return { labels: counts.map((_, i) => `${i}/${k}`), counts };
}

export function probeHistogramSpec(data: ProbeData): ChartConfiguration<'bar'> {
  const { labels, counts } = passRateHistogram(data.passRates, data.k);
  return {
    type: 'bar',
    data: { labels, datasets: [{ label: 'problems', data: counts, backgroundColor: OKABE_ITO[3], borderColor: '#000', borderWidth: 1, barPercentage: 1, categoryPercentage: 0.95 }] },
    options: {
      scales: {
        x: { title: { display: true, text: 'answers right out of K (left: hardest)' } },
        y: { beginAtZero: true, title: { display: true, text: 'probed problems' }, ticks: { precision: 0 } },
      },
      plugins: { legend: { display: false } },
    },
  };
}

/** This iteration's cluster weights beside the previous iteration's and random sampling's. */
export function samplingSpec(data: SamplingData): ChartConfiguration<'bar'> {
  const hasPrevious = data.clusters.some((c) => c.previous !== null);
  return {
    type: 'bar',
    data: {
      labels: data.clusters.map((c) => `${c.cluster + 1}: ${shorten(c.label, 18)}`),
      datasets: [
        { label: `iteration ${data.iteration} (${data.sampler})`, data: data.clusters.map((c) => c.now), backgroundColor: OKABE_ITO[3], borderColor: '#000', borderWidth: 1 },
        ...(hasPrevious ? [{ label: `iteration ${data.iteration - 1}`, data: data.clusters.map((c) => c.previous ?? 0), backgroundColor: OKABE_ITO[1], borderColor: '#000', borderWidth: 1 }] : []),
        { label: 'random sampling', data: data.clusters.map((c) => c.random), backgroundColor: '#9a9a9a', borderColor: '#000', borderWidth: 1 },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'share of the draw' }, ticks: { callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } }, x: { title: { display: true, text: 'cluster' } } },
      plugins: { tooltip: { callbacks: { label: (item: TooltipItem<'bar'>) => `${item.dataset.label}: ${percent(item.raw as number)}` } } },
    },
  };
}

export type TrainMetric = 'loss' | 'margins' | 'accuracies';
export const TRAIN_METRIC_NAMES: Record<TrainMetric, string> = { loss: 'loss', margins: 'rewards/margins', accuracies: 'rewards/accuracies' };

/** One training metric by optimizer step. */
export function trainingSpec(steps: TrainPoint[], metric: TrainMetric, color: string): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: {
      datasets: [{
        label: TRAIN_METRIC_NAMES[metric],
        data: steps.map((s) => ({ x: s.step, y: s[metric] })) as { x: number; y: number }[],
        borderColor: color,
        backgroundColor: color,
        pointRadius: steps.length > 40 ? 0 : 3,
        borderWidth: 2.5,
        spanGaps: true,
      }],
    },
    options: {
      scales: {
        x: { type: 'linear', title: { display: true, text: 'optimizer step' }, ticks: { precision: 0 } },
        y: metric === 'accuracies' ? percentAxis(TRAIN_METRIC_NAMES[metric]) : { title: { display: true, text: TRAIN_METRIC_NAMES[metric] } },
      },
      plugins: { legend: { display: false } },
    },
  };
}

/** Held-out accuracy per iteration (and random sampling's, when known). */
export function accuracySpec(data: EvaluationData): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: {
      datasets: [
        { label: 'this run', data: data.iterations.map((i) => ({ x: i.iteration, y: i.accuracy })), borderColor: OKABE_ITO[3], backgroundColor: OKABE_ITO[3], borderWidth: 3, pointRadius: 5 },
        ...(data.baseline ? [{ label: 'random sampling', data: data.baseline.map((b) => ({ x: b.iteration, y: b.accuracy })), borderColor: '#555', backgroundColor: '#555', borderDash: [6, 4], borderWidth: 2.5, pointRadius: 4, pointStyle: 'triangle' as const }] : []),
      ],
    },
    options: {
      scales: { x: { type: 'linear', title: { display: true, text: 'iteration (0 = before training)' }, ticks: { precision: 0, stepSize: 1 } }, y: percentAxis('held-out accuracy') },
      plugins: { tooltip: { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label}: ${percent((item.raw as { y: number }).y)}` } } },
    },
  };
}

interface HeatCell { x: string; y: string; v: number | null }

/** Cluster × iteration accuracy as a heat map (viridis: dark = low, yellow = high). */
export function heatMapSpec(data: EvaluationData): ChartConfiguration<'matrix'> {
  const columns = data.iterations.map((it) => `iter ${it.iteration}`);
  // 32 characters: a cluster named by its two most common knowledge points still reads whole
  const rows = data.clusters.map((c) => `${c.cluster + 1}: ${shorten(c.label, 32)}`);
  const cells: HeatCell[] = [];
  data.iterations.forEach((it, column) => {
    rows.forEach((row, r) => cells.push({ x: columns[column], y: row, v: it.perCluster[r] ?? null }));
  });
  return {
    type: 'matrix',
    data: {
      datasets: [{
        label: 'accuracy',
        data: cells,
        backgroundColor: (ctx: { raw?: unknown }) => {
          const v = (ctx.raw as HeatCell | undefined)?.v;
          return v === null || v === undefined ? '#e8e8e8' : viridis(v);
        },
        borderColor: '#fff',
        borderWidth: 1,
        width: ({ chart }: { chart: { chartArea?: { width: number } } }) => (chart.chartArea?.width ?? 100) / Math.max(1, columns.length) - 1,
        height: ({ chart }: { chart: { chartArea?: { height: number } } }) => (chart.chartArea?.height ?? 100) / Math.max(1, rows.length) - 1,
      }],
    } as never,
    options: {
      scales: {
        x: { type: 'category', labels: columns, offset: true, grid: { display: false }, title: { display: true, text: 'iteration' } },
        y: { type: 'category', labels: rows, offset: true, reverse: true, grid: { display: false }, title: { display: true, text: data.rowKind } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (item: TooltipItem<'matrix'>) => {
              const cell = item.raw as HeatCell;
              return `${cell.y}, ${cell.x}: ${cell.v === null ? 'no held-out problems' : percent(cell.v)}`;
            },
          },
        },
      },
    } as never,
  };
}

/** Every arm's mean accuracy per iteration with its 95% interval as a band. */
export function compareSpec(data: CompareData): ChartConfiguration<'line'> {
  const datasets = data.series.flatMap((series, i) => {
    const color = i === 0 ? OKABE_ITO[3] : categoryColor(i === 3 ? 0 : i + 3);
    const at = (key: 'mean' | 'low' | 'high') => series.points.map((p) => ({ x: p.iteration, y: p[key] }));
    return [
      { label: `${series.label} (95% low)`, data: at('low'), borderColor: 'transparent', backgroundColor: 'transparent', pointRadius: 0, fill: false, interval: true },
      { label: `${series.label} (95% high)`, data: at('high'), borderColor: 'transparent', backgroundColor: withAlpha(color, 0.22), pointRadius: 0, fill: '-1', interval: true },
      { label: `${series.label} (${series.seeds} seed${series.seeds === 1 ? '' : 's'})`, data: at('mean'), borderColor: color, backgroundColor: color, borderWidth: 3, pointRadius: 5, pointStyle: categoryShape(i * 8), borderDash: i % 2 === 1 ? [8, 4] : [], fill: false },
    ];
  });
  return {
    type: 'line',
    data: { datasets: datasets as never },
    options: {
      scales: { x: { type: 'linear', title: { display: true, text: 'iteration (0 = before training)' }, ticks: { precision: 0, stepSize: 1 } }, y: percentAxis('held-out accuracy') },
      plugins: {
        legend: { labels: { filter: (item: { text: string }) => !item.text.includes('(95% ') } },
        tooltip: { callbacks: { label: (item: TooltipItem<'line'>) => `${item.dataset.label}: ${percent((item.raw as { y: number }).y)}` } },
      },
    },
  };
}
