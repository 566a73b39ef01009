// sai-dpo generate: samples completions of one prompt, one JSON line per sample.
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { loadModel } from '../../engine/model/index.ts';
import type { Device, Dtype } from '../../engine/model/options.ts';
import { ADAPTER_SPEC, DEVICE_SPEC, DTYPE_SPEC, MODEL_SPEC, optionsHelp, parseCommandLine, warn } from '../args.ts';

export const summary = 'sample completions of a prompt with the model (batched, seeded)';

const OPTIONS = {
  model: MODEL_SPEC,
  prompt: { kind: 'string', required: true, placeholder: 'TEXT', help: 'the prompt, tokenized with the tokenizer\'s special tokens (e.g. a leading <s>)' },
  n: { kind: 'integer', min: 1, default: 8, help: 'samples' },
  'max-tokens': { kind: 'integer', min: 1, default: 128, help: 'new tokens per sample at most' },
  temperature: { kind: 'number', min: 0, default: 0.7, help: 'sampling temperature; 0 = greedy' },
  'top-p': { kind: 'number', above: 0, max: 1, default: 1, help: 'nucleus sampling mass' },
  seed: { kind: 'integer', min: 0, default: 1, help: 'the same seed gives the same samples' },
  dtype: DTYPE_SPEC,
  device: DEVICE_SPEC,
  adapter: ADAPTER_SPEC,
  stop: { kind: 'list', placeholder: 'STR', help: 'stop when the text contains STR (not included)' },
} as const;

export const usage = `usage: sai-dpo generate --model DIR --prompt "..." [options]

Prints one line per sample: {"text": ..., "tokens": n, "finish": "eos" | "stop" | "length"}; a sample whose
first token is EOS is {"text": "", "tokens": 1, "finish": "eos"}.

options:
${optionsHelp(OPTIONS)}`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const model = await loadModel(nodeSource(resolve(values.model)), {
    device: values.device as Device,
    dtype: values.dtype as Dtype,
    adapter: values.adapter ? nodeSource(resolve(values.adapter)) : undefined,
    onWarning: warn,
  });
  try {
    const options = { n: values.n, maxNewTokens: values['max-tokens'], temperature: values.temperature, topP: values['top-p'], seed: values.seed, stop: values.stop };
    const [samples] = await model.generate([values.prompt], options);
    for (const g of samples) process.stdout.write(JSON.stringify({ text: g.text, tokens: g.tokens.length, finish: g.finishReason }) + '\n');
    return 0;
  } finally {
    model.dispose();
  }
}
