// sai-dpo sft: full-parameter training with cross-entropy on response tokens; saves a Hugging Face folder.
// A model folder without weights (config.json and tokenizer.json only) starts from a seeded random initialization.
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { parseSftExamples } from '../../engine/train/examples.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { runTrainingLoop } from '../../engine/train/loop.ts';
import { accumulateSftGradients, SFT_METRIC_NAMES } from '../../engine/train/sft.ts';
import { modelFolderFiles, readFullWeights } from '../../engine/train/weights-io.ts';
import { MODEL_SPEC, optionsHelp, parseCommandLine, warn } from '../args.ts';
import { checkOutputFolder, writeFolder } from '../files.ts';
import { loopOptions, loopSpecs, metricsLine, readExamples, trainingExitCode } from '../train-options.ts';

export const summary = 'full-parameter training on prompt/response data (or a new model from a config); saves a HF folder';

const OPTIONS = {
  model: MODEL_SPEC,
  data: { kind: 'string', required: true, placeholder: 'FILE', help: 'the training examples (JSONL)' },
  out: { kind: 'string', required: true, placeholder: 'DIR', help: 'the model folder to write (written as a whole at the end; other files in it are kept)' },
  ...loopSpecs(1e-3),
} as const;

export const usage = `usage: sai-dpo sft --model DIR --data FILE.jsonl --out DIR [options]

Data, one example per line, in TRL's formats: {"prompt", "completion"} (or "response") as text,
{"messages": [{"role", "content"}, ...]} (rendered with the model's chat template; the loss is on the last
assistant message), {"prompt": [...messages], "completion": [...messages]}, or token ids
{"prompt_ids", "response_ids"}. The loss is the mean cross-entropy of the completion tokens.
If DIR has config.json and tokenizer.json but no weights, training starts from random weights (seeded by --seed).
Saves config.json, model.safetensors (f32) and the tokenizer files to --out.

options:
${optionsHelp(OPTIONS)}

Prints one JSON line per optimizer step, the same keys on every line (null where a skipped step has no value):
loss, tokens, grad_norm, learning_rate, step (from 1), epoch (fractional), skipped.`;

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'];

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const loop = loopOptions(values);
  const modelDir = resolve(values.model);
  await checkOutputFolder(values.out);
  const source = nodeSource(modelDir);
  const { model, config, tokenizer, randomInit } = await loadTrainable(source, { mode: 'full', randomInitSeed: loop.seed, onWarning: warn });
  try {
    if (randomInit) process.stderr.write(`${modelDir} has no weights: starting from random weights (seed ${loop.seed})\n`);
    const { items, skipped } = await readExamples(values.data, parseSftExamples, tokenizer, config);
    await runTrainingLoop(model, items, { ...loop, metricNames: SFT_METRIC_NAMES }, (batch) => accumulateSftGradients(model, batch, loop.microBatch),
      (m) => process.stdout.write(metricsLine(m) + '\n'));
    const files = modelFolderFiles(config, await readFullWeights(model));
    for (const file of TOKENIZER_FILES) {
      if (await source.has(file)) files.set(file, await source.read(file));
    }
    // an older checkpoint in --out (shards, an index) would be read instead of the new model.safetensors
    await writeFolder(values.out, files, (name) => /^model.*\.safetensors(\.index\.json)?$/.test(name));
    process.stderr.write(`saved the model to ${resolve(values.out)}\n`);
    return trainingExitCode(skipped, values.data);
  } finally {
    model.rt.gpu.destroy();
  }
}
