// sai-dpo dpo-grad: the mean DPO loss over a file of pairs and its gradient with respect to every adapter tensor.
import { resolve } from 'node:path';
import { readPeftAdapter } from '../../engine/files/adapter.ts';
import { parseConfig } from '../../engine/files/config.ts';
import { writeSafetensors } from '../../engine/files/safetensors.ts';
import { nodeSource } from '../../engine/files/source.ts';
import { parseDtype } from '../../engine/model/options.ts';
import { accumulateDpoGradients, referenceLogps } from '../../engine/train/dpo.ts';
import { parseDpoPairs } from '../../engine/train/examples.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { numberOption, parseOptions, requireOption } from '../args.ts';
import { readExamples, writeFolder } from '../files.ts';

export const summary = 'mean DPO loss over pairs and its gradient w.r.t. the adapter (no update)';

export const usage = `usage: sai-dpo dpo-grad --model DIR --adapter DIR --pairs FILE.jsonl --out DIR [--beta 0.1] [--dtype f32|q8|q4] [--micro-batch 8]

Lines are {"prompt_ids":[...],"chosen_ids":[...],"rejected_ids":[...]} or text fields "prompt", "chosen", "rejected".
The policy is the model with the adapter, the reference the same model with the adapter off.
Writes DIR/grads.safetensors (the adapter's tensor names and shapes) and prints one JSON line with
loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins (means over the pairs).`;

const OPTIONS = {
  model: { type: 'string' },
  adapter: { type: 'string' },
  pairs: { type: 'string' },
  out: { type: 'string' },
  beta: { type: 'string' },
  dtype: { type: 'string' },
  'micro-batch': { type: 'string' },
} as const;

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  const modelDir = resolve(requireOption(values, 'model'));
  const pairsFile = requireOption(values, 'pairs');
  const out = requireOption(values, 'out');
  const beta = numberOption(values, 'beta', 0.1);
  const microBatch = numberOption(values, 'micro-batch', 8);
  const source = nodeSource(modelDir);
  const config = parseConfig(await source.readText('config.json'));
  const adapter = await readPeftAdapter(nodeSource(resolve(requireOption(values, 'adapter'))), config);
  const { model, tokenizer } = await loadTrainable(source, { mode: 'lora', dtype: parseDtype(values.dtype), adapter });
  const pairs = await readExamples(pairsFile, parseDpoPairs, tokenizer, config);
  const reference = await referenceLogps(model, pairs, microBatch);
  model.zeroGrads();
  const { metrics } = await accumulateDpoGradients(model, pairs, reference, { beta, microBatch });
  const grads: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const p of model.parameters) grads[p.name] = { shape: p.grad.shape, data: await model.rt.readTensor(p.grad) };
  await writeFolder(out, new Map([['grads.safetensors', writeSafetensors(grads, { format: 'pt' })]]));
  const keys = ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins'];
  process.stdout.write(JSON.stringify(Object.fromEntries(keys.map((k) => [k, metrics[k]]))) + '\n');
  model.rt.gpu.destroy();
  return 0;
}
