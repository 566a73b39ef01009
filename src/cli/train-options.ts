// What the training commands (dpo-train, sft) share: the loop's options, checked before the model loads,
// the examples file, and the metrics lines.
import type { ModelConfig } from '../engine/files/config.ts';
import type { Tokenizer } from '../engine/files/tokenizer.ts';
import type { ExampleLimits, Parsed } from '../engine/train/examples.ts';
import type { LoopOptions } from '../engine/train/loop.ts';
import { SCHEDULE_NAMES, type ScheduleName } from '../engine/train/schedule.ts';
import { UsageError, type OptionValues } from './args.ts';
import { readInputText } from './files.ts';

/** The loop's options; `lr`'s default differs per command (LoRA DPO vs full-parameter SFT). */
export function loopSpecs(defaultLr: number) {
  return {
    lr: { kind: 'number', above: 0, default: defaultLr, help: 'peak learning rate' },
    epochs: { kind: 'integer', min: 1, default: 1, help: 'passes over the data' },
    batch: { kind: 'integer', min: 1, default: 8, help: 'examples per optimizer step' },
    'micro-batch': { kind: 'integer', min: 1, help: 'examples per forward/backward pass, <= --batch; gradients accumulate (default: --batch)' },
    seed: { kind: 'integer', min: 0, default: 1, help: 'shuffling and initialization seed' },
    schedule: { kind: 'string', choices: SCHEDULE_NAMES, default: 'constant', help: 'learning-rate decay after warm-up' },
    warmup: { kind: 'integer', min: 0, default: 0, help: 'linear warm-up steps' },
    'weight-decay': { kind: 'number', min: 0, default: 0, help: 'AdamW decoupled weight decay' },
    'max-grad-norm': { kind: 'number', min: 0, default: 1, help: 'global gradient-norm clipping, 0 = off' },
  } as const;
}

export type LoopSpecs = ReturnType<typeof loopSpecs>;

export function loopOptions(values: OptionValues<LoopSpecs>): LoopOptions {
  const microBatch = values['micro-batch'] ?? values.batch;
  if (microBatch > values.batch) throw new UsageError(`--micro-batch must be <= --batch (${values.batch}), got ${microBatch}`);
  return {
    lr: values.lr,
    epochs: values.epochs,
    batch: values.batch,
    microBatch,
    seed: values.seed,
    schedule: values.schedule as ScheduleName,
    warmupSteps: values.warmup,
    weightDecay: values['weight-decay'],
    maxGradNorm: values['max-grad-norm'],
  };
}

/**
 * Reads a JSONL file of training examples checked against the model (tokenizer, context, vocabulary);
 * bad lines are reported on stderr with their 1-based numbers and skipped; no usable line is an error.
 */
export async function readExamples<T>(
  file: string, parse: (text: string, limits: ExampleLimits) => Parsed<T>, tokenizer: Tokenizer, config: ModelConfig,
): Promise<{ items: T[]; skipped: number }> {
  const { items, errors } = parse(await readInputText(file), { tokenizer, maxTokens: config.maxPositionEmbeddings, vocabSize: config.vocabSize });
  for (const e of errors) process.stderr.write(`${file}: line ${e.line}: ${e.reason} (skipped)\n`);
  if (items.length === 0) throw new Error(`${file}: no usable lines`);
  return { items, skipped: errors.length };
}

/** The exit code of a training run that finished: 1 when input lines were skipped (see args.ts). */
export function trainingExitCode(skipped: number, file: string): number {
  if (skipped === 0) return 0;
  process.stderr.write(`${file}: ${skipped} line${skipped === 1 ? '' : 's'} skipped (exit code 1)\n`);
  return 1;
}

/** One JSON line of metrics for a step; numbers rounded to 6 significant digits, NaN as null. */
export function metricsLine(m: Record<string, number | boolean | null>): string {
  const out: Record<string, number | boolean | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = typeof v === 'number' ? (Number.isFinite(v) ? Number(v.toPrecision(6)) : null) : v;
  return JSON.stringify(out);
}
