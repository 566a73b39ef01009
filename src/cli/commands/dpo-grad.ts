// sai-dpo dpo-grad: the mean DPO loss over a file of pairs and its gradient with respect to every adapter tensor.
import { resolve } from 'node:path';
import { readPeftAdapter } from '../../engine/files/adapter.ts';
import { parseConfig } from '../../engine/files/config.ts';
import { writeSafetensors } from '../../engine/files/safetensors.ts';
import { nodeSource } from '../../engine/files/source.ts';
import type { Dtype } from '../../engine/model/options.ts';
import { accumulateDpoGradients, referenceLogps } from '../../engine/train/dpo.ts';
import { parseDpoPairs } from '../../engine/train/examples.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { DTYPE_SPEC, MODEL_SPEC, optionsHelp, parseCommandLine, warn } from '../args.ts';
import { checkOutputFolder, writeFolder } from '../files.ts';
import { readExamples, trainingExitCode } from '../train-options.ts';

export const summary = 'mean DPO loss over pairs and its gradient w.r.t. the adapter (no update)';

const OPTIONS = {
  model: MODEL_SPEC,
  adapter: { kind: 'string', required: true, placeholder: 'DIR', help: 'the PEFT LoRA adapter (the policy is the model with it)' },
  pairs: { kind: 'string', required: true, placeholder: 'FILE', help: 'the preference pairs (JSONL)' },
  out: { kind: 'string', required: true, placeholder: 'DIR', help: 'the folder to write grads.safetensors to (written as a whole; other files in it are kept)' },
  beta: { kind: 'number', above: 0, default: 0.1, help: 'DPO beta' },
  'label-smoothing': { kind: 'number', min: 0, below: 0.5, default: 0, help: "conservative DPO's epsilon" },
  'rpo-alpha': { kind: 'number', min: 0, default: 0, help: 'weight of the NLL of the chosen answers (RPO)' },
  dtype: DTYPE_SPEC,
  'micro-batch': { kind: 'integer', min: 1, default: 8, help: 'pairs per forward/backward pass' },
} as const;

export const usage = `usage: sai-dpo dpo-grad --model DIR --adapter DIR --pairs FILE.jsonl --out DIR [options]

Pairs as for dpo-train (TRL's text or conversational formats, or token ids).
The policy is the model with the adapter, the reference the same model with the adapter off.
Writes DIR/grads.safetensors (the adapter's tensor names and shapes) and prints one JSON line with
loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins (means over the pairs).

options:
${optionsHelp(OPTIONS)}`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const modelDir = resolve(values.model);
  await checkOutputFolder(values.out);
  const source = nodeSource(modelDir);
  const config = parseConfig(await source.readText('config.json'));
  const adapter = await readPeftAdapter(nodeSource(resolve(values.adapter)), config);
  const { model, tokenizer } = await loadTrainable(source, { mode: 'lora', dtype: values.dtype as Dtype, adapter, onWarning: warn });
  try {
    const { items: pairs, skipped } = await readExamples(values.pairs, parseDpoPairs, tokenizer, config);
    const microBatch = values['micro-batch'];
    const reference = await referenceLogps(model, pairs, microBatch);
    model.zeroGrads();
    const dpo = { beta: values.beta, labelSmoothing: values['label-smoothing'], rpoAlpha: values['rpo-alpha'], microBatch };
    const { metrics } = await accumulateDpoGradients(model, pairs, reference, dpo);
    const grads: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const p of model.parameters) grads[p.name] = { shape: p.grad.shape, data: await model.rt.readTensor(p.grad) };
    await writeFolder(values.out, new Map([['grads.safetensors', writeSafetensors(grads, { format: 'pt' })]]));
    const keys = ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins'];
    process.stdout.write(JSON.stringify(Object.fromEntries(keys.map((k) => [k, metrics[k]]))) + '\n');
    return trainingExitCode(skipped, values.pairs);
  } finally {
    model.rt.gpu.destroy();
  }
}
