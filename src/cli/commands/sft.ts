// sai-dpo sft: full-parameter training with cross-entropy on response tokens; saves a Hugging Face folder.
// A model folder without weights (config.json and tokenizer.json only) starts from a seeded random initialization.
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { parseSftExamples } from '../../engine/train/examples.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { runTrainingLoop } from '../../engine/train/loop.ts';
import { accumulateSftGradients } from '../../engine/train/sft.ts';
import { modelFolderFiles, readFullWeights } from '../../engine/train/weights-io.ts';
import { parseOptions, requireOption } from '../args.ts';
import { readExamples, writeFolder } from '../files.ts';
import { LOOP_OPTIONS, LOOP_USAGE, loopOptions, metricsLine } from '../train-options.ts';

export const summary = 'full-parameter training on prompt/response data (or a new model from a config); saves a HF folder';

export const usage = `usage: sai-dpo sft --model DIR --data FILE.jsonl --out DIR [options]

Data: {"prompt_ids","response_ids"} or {"prompt","response"} per line; the loss is the mean cross-entropy
of the response tokens. If DIR has config.json and tokenizer.json but no weights, training starts from
random weights (seeded by --seed). Saves config.json, model.safetensors (f32) and the tokenizer files to --out.
${LOOP_USAGE}
Prints one JSON line per optimizer step: loss, tokens, grad_norm, learning_rate, step, epoch, skipped.`;

const OPTIONS = { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, ...LOOP_OPTIONS } as const;

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'];

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  const modelDir = resolve(requireOption(values, 'model'));
  const dataFile = requireOption(values, 'data');
  const out = requireOption(values, 'out');
  const loop = loopOptions(values, 1e-3);
  const source = nodeSource(modelDir);
  const { model, config, tokenizer, randomInit } = await loadTrainable(source, { mode: 'full', randomInitSeed: loop.seed });
  if (randomInit) process.stderr.write(`${modelDir} has no weights: starting from random weights (seed ${loop.seed})\n`);
  const items = await readExamples(dataFile, parseSftExamples, tokenizer, config);
  await runTrainingLoop(model, items, loop, (batch) => accumulateSftGradients(model, batch, loop.microBatch),
    (m) => process.stdout.write(metricsLine(m) + '\n'));
  await writeFolder(out, modelFolderFiles(config, await readFullWeights(model)));
  for (const file of TOKENIZER_FILES) {
    if (await source.has(file)) await copyFile(join(modelDir, file), join(resolve(out), file));
  }
  process.stderr.write(`saved the model to ${resolve(out)}\n`);
  model.rt.gpu.destroy();
  return 0;
}
