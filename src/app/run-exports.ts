// A run's results as files people take elsewhere: the metrics as CSV (one row per number, long format, so every
// stage's figures fit one table), the pairs as TRL JSONL, and a download helper.
import type { EvalOutput, PairsOutput, TrainOutput } from '../loop/runner.ts';

export interface IterationOutputs {
  iteration: number;
  eval?: EvalOutput;
  pairs?: PairsOutput;
  train?: TrainOutput;
}

const csvField = (v: string | number | null): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** columns: iteration, stage, step, metric, value */
export function metricsCsv(iterations: IterationOutputs[]): string {
  const rows: (string | number | null)[][] = [['iteration', 'stage', 'step', 'metric', 'value']];
  for (const it of [...iterations].sort((a, b) => a.iteration - b.iteration)) {
    if (it.pairs) {
      for (const name of ['sampled', 'withPair', 'allRight', 'allWrong', 'pairYield', 'generations', 'reused'] as const) rows.push([it.iteration, 'pairs', null, name, it.pairs[name]]);
    }
    if (it.train) {
      for (const step of it.train.steps) {
        for (const [name, value] of Object.entries(step)) if (name !== 'step' && name !== 'epoch') rows.push([it.iteration, 'train', step.step, name, value]);
      }
    }
    if (it.eval) {
      rows.push([it.iteration, 'eval', null, 'accuracy', it.eval.accuracy]);
      if (it.eval.passAtK !== null) rows.push([it.iteration, 'eval', null, 'pass@k', it.eval.passAtK]);
      rows.push([it.iteration, 'eval', null, 'meanSteps', it.eval.meanSteps], [it.iteration, 'eval', null, 'meanTokens', it.eval.meanTokens]);
      for (const [kp, v] of Object.entries(it.eval.perKnowledgePoint)) rows.push([it.iteration, 'eval', null, `accuracy/${kp}`, v.accuracy]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** A file name made from a run's name: letters, digits, "-" and "_". */
export function fileStem(name: string): string {
  return name.trim().replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

/** Saves bytes or text as a file through the browser's download. */
export function download(fileName: string, content: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([content as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
