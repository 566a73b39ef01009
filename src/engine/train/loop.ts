// The optimizer loop shared by DPO and SFT: shuffled batches per epoch (seeded), a learning-rate schedule,
// AdamW with clipping, and steps with non-finite gradients or loss skipped (weights untouched) and reported;
// training stops with a clear message after too many failures in a row.
import { AdamW, type AdamWOptions } from '../kernels/adamw.ts';
import { Rng } from '../../util/random.ts';
import { NonFiniteError } from './non-finite.ts';
import { learningRate, type ScheduleName } from './schedule.ts';
import type { TrainableModel } from './trainable.ts';

export interface LoopOptions extends AdamWOptions {
  lr: number;
  epochs: number;
  /** examples per optimizer step */
  batch: number;
  /** examples per forward/backward pass (gradient accumulation over batch / microBatch passes) */
  microBatch: number;
  seed: number;
  schedule?: ScheduleName;
  warmupSteps?: number;
  /** consecutive skipped steps after which training stops (default 3) */
  maxFailures?: number;
  /** the names `accumulate` reports (e.g. DPO_METRIC_NAMES): every step has them all, null on a skipped step */
  metricNames?: readonly string[];
}

/**
 * One optimizer step, logged as TRL logs it: `step` counts from 1, `epoch` is fractional (epochs completed after
 * this step, e.g. 0.5), every step has the same keys, and a skipped step has null for what it could not measure.
 */
export interface StepMetrics {
  step: number;
  epoch: number;
  learning_rate: number;
  grad_norm: number | null;
  /** true when the step was skipped because the loss or gradients were not finite */
  skipped: boolean;
  [metric: string]: number | boolean | null;
}

/** What one batch contributes: it adds its gradient to the model and returns its metrics (loss included). */
export type AccumulateBatch<T> = (batch: T[]) => Promise<Record<string, number>>;

export class TrainingStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingStopped';
  }
}

export async function runTrainingLoop<T>(
  model: TrainableModel, examples: T[], options: LoopOptions, accumulate: AccumulateBatch<T>,
  onStep?: (m: StepMetrics) => void,
): Promise<StepMetrics[]> {
  if (examples.length === 0) throw new Error('nothing to train on: no valid examples');
  for (const [k, v] of Object.entries({ lr: options.lr, epochs: options.epochs, batch: options.batch, microBatch: options.microBatch })) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`--${k} must be a positive number, got ${v}`);
  }
  const rng = new Rng(options.seed);
  const stepsPerEpoch = Math.ceil(examples.length / options.batch);
  const schedule = {
    name: options.schedule ?? 'constant',
    lr: options.lr,
    warmupSteps: options.warmupSteps ?? 0,
    totalSteps: stepsPerEpoch * options.epochs,
  };
  const optimizer = new AdamW(model.rt, model.parameters.map((p) => p.value), options);
  const grads = model.parameters.map((p) => p.grad);
  const history: StepMetrics[] = [];
  let failures = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.shuffled(examples);
      for (let i = 0; i < order.length; i += options.batch) {
        const lr = learningRate(schedule, step);
        model.zeroGrads();
        let metrics: Record<string, number>;
        try {
          metrics = await accumulate(order.slice(i, i + options.batch));
        } catch (error) {
          if (!(error instanceof NonFiniteError)) throw error;
          metrics = { loss: Number.NaN };
        }
        let skipped = !Number.isFinite(metrics.loss);
        let gradNorm = Number.NaN;
        if (!skipped) {
          optimizer.record(grads, lr);
          const stats = await optimizer.readStats();
          gradNorm = stats.gradNorm;
          if (!stats.finite) {
            optimizer.undoSkipped();
            skipped = true;
          }
        }
        failures = skipped ? failures + 1 : 0;
        step++;
        const m = stepRecord(metrics, options.metricNames ?? [], skipped, {
          grad_norm: gradNorm, learning_rate: lr, step, epoch: epoch + Math.min(1, (i / options.batch + 1) / stepsPerEpoch),
        });
        model.rt.trimIdle(); // a step boundary: buffers of shapes this step did not use again are freed
        history.push(m);
        onStep?.(m);
        if (failures >= (options.maxFailures ?? 3)) {
          throw new TrainingStopped(`training stopped at step ${step}: the loss or gradients were NaN/Inf in ${failures} steps in a row (the weights are those of the last good step; try a lower learning rate)`);
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/** The step's metrics with every name present: null for a value a skipped step did not measure, or a non-finite one. */
function stepRecord(
  metrics: Record<string, number>, names: readonly string[], skipped: boolean,
  loop: { grad_norm: number; learning_rate: number; step: number; epoch: number },
): StepMetrics {
  const out: Record<string, number | boolean | null> = {};
  for (const name of [...names, ...Object.keys(metrics)]) {
    const v = metrics[name];
    out[name] = !skipped && typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  out.grad_norm = skipped || !Number.isFinite(loop.grad_norm) ? null : loop.grad_norm;
  return { ...out, learning_rate: loop.learning_rate, step: loop.step, epoch: loop.epoch, skipped } as StepMetrics;
}
