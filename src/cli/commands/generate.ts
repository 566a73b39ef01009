// sai-dpo generate: samples completions of one prompt, one JSON line per sample.
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { loadModel } from '../../engine/model/index.ts';
import { parseDevice, parseDtype } from '../../engine/model/options.ts';
import { numberOption, parseOptions, requireOption } from '../args.ts';

export const summary = 'sample completions of a prompt with the model (batched, seeded)';

export const usage = `usage: sai-dpo generate --model DIR --prompt "..." [--n 8] [--max-tokens 128] [--temperature 0.7]
                        [--top-p 1] [--seed 1] [--dtype f32|q8|q4] [--device gpu|cpu] [--adapter DIR] [--stop STR]...

The prompt is tokenized without special tokens. Prints one line per sample:
{"text": ..., "tokens": n, "finish": "eos" | "stop" | "length"}. Temperature 0 is greedy decoding.
The same seed gives the same samples.`;

const OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  n: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  dtype: { type: 'string' },
  device: { type: 'string' },
  adapter: { type: 'string' },
  stop: { type: 'string', multiple: true },
} as const;

function positiveInteger(values: Record<string, unknown>, name: string, fallback: number): number {
  const n = numberOption(values, name, fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${n}`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  const modelDir = requireOption(values, 'model');
  if (typeof values.prompt !== 'string') throw new Error('--prompt is required');
  const options = {
    n: positiveInteger(values, 'n', 8),
    maxNewTokens: positiveInteger(values, 'max-tokens', 128),
    temperature: numberOption(values, 'temperature', 0.7),
    topP: numberOption(values, 'top-p', 1),
    seed: numberOption(values, 'seed', 1),
    stop: values.stop ?? [],
  };
  if (options.temperature < 0) throw new Error(`--temperature must be >= 0, got ${options.temperature}`);
  if (!(options.topP > 0 && options.topP <= 1)) throw new Error(`--top-p must be in (0, 1], got ${options.topP}`);
  if (!Number.isInteger(options.seed)) throw new Error(`--seed must be an integer, got ${options.seed}`);
  const model = await loadModel(nodeSource(resolve(modelDir)), {
    device: parseDevice(values.device),
    dtype: parseDtype(values.dtype),
    adapter: values.adapter ? nodeSource(resolve(values.adapter)) : undefined,
  });
  try {
    const [samples] = await model.generate([values.prompt], options);
    for (const g of samples) process.stdout.write(JSON.stringify({ text: g.text, tokens: g.tokens.length, finish: g.finishReason }) + '\n');
    return 0;
  } finally {
    model.dispose();
  }
}
