// Options shared by the training commands (dpo-train, sft): optimizer, schedule, batching, seed.
import type { LoopOptions } from '../engine/train/loop.ts';
import { parseScheduleName } from '../engine/train/schedule.ts';
import { numberOption } from './args.ts';

export const LOOP_OPTIONS = {
  lr: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  'micro-batch': { type: 'string' },
  seed: { type: 'string' },
  schedule: { type: 'string' },
  warmup: { type: 'string' },
  'weight-decay': { type: 'string' },
  'max-grad-norm': { type: 'string' },
} as const;

export const LOOP_USAGE = `  --lr X              peak learning rate
  --epochs N          passes over the data (default 1)
  --batch N           examples per optimizer step (default 8)
  --micro-batch N     examples per forward/backward pass; gradients accumulate (default: --batch)
  --seed N            shuffling and initialization seed (default 1)
  --schedule NAME     constant | linear | cosine (default constant)
  --warmup N          linear warm-up steps (default 0)
  --weight-decay X    AdamW decoupled weight decay (default 0)
  --max-grad-norm X   global gradient-norm clipping, 0 = off (default 1)`;

export function loopOptions(values: Record<string, unknown>, defaultLr: number): LoopOptions {
  const batch = numberOption(values, 'batch', 8);
  const options: LoopOptions = {
    lr: numberOption(values, 'lr', defaultLr),
    epochs: numberOption(values, 'epochs', 1),
    batch,
    microBatch: numberOption(values, 'micro-batch', batch),
    seed: numberOption(values, 'seed', 1),
    schedule: parseScheduleName(typeof values.schedule === 'string' ? values.schedule : 'constant'),
    warmupSteps: numberOption(values, 'warmup', 0),
    weightDecay: numberOption(values, 'weight-decay', 0),
    maxGradNorm: numberOption(values, 'max-grad-norm', 1),
  };
  for (const k of ['epochs', 'batch', 'microBatch', 'seed'] as const) {
    if (!Number.isInteger(options[k]) || options[k] < (k === 'seed' ? 0 : 1)) throw new Error(`--${k === 'microBatch' ? 'micro-batch' : k} must be a ${k === 'seed' ? 'non-negative' : 'positive'} integer, got ${options[k]}`);
  }
  return options;
}

/** One JSON line of metrics for a step; numbers rounded to 6 significant digits, NaN as null. */
export function metricsLine(m: Record<string, number | boolean>): string {
  const out: Record<string, number | boolean | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(6)) : null) : v;
  return JSON.stringify(out);
}
