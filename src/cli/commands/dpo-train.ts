// sai-dpo dpo-train: DPO with a fresh LoRA adapter on a frozen base; one JSON line of metrics per step; saves a PEFT adapter.
import { resolve } from 'node:path';
import { writePeftAdapter } from '../../engine/files/adapter.ts';
import { parseConfig } from '../../engine/files/config.ts';
import { nodeSource } from '../../engine/files/source.ts';
import { parseDtype } from '../../engine/model/options.ts';
import { accumulateDpoGradients, referenceLogps } from '../../engine/train/dpo.ts';
import { parseDpoPairs } from '../../engine/train/examples.ts';
import { initLora, parseTargets } from '../../engine/train/lora-init.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { runTrainingLoop } from '../../engine/train/loop.ts';
import { readAdapter } from '../../engine/train/weights-io.ts';
import { numberOption, parseOptions, requireOption } from '../args.ts';
import { readExamples, writeFolder } from '../files.ts';
import { LOOP_OPTIONS, LOOP_USAGE, loopOptions, metricsLine } from '../train-options.ts';

export const summary = 'train a LoRA adapter with DPO on preference pairs; saves it in PEFT format';

export const usage = `usage: sai-dpo dpo-train --model DIR --pairs FILE.jsonl --out ADAPTER_DIR [options]

Pairs: {"prompt_ids","chosen_ids","rejected_ids"} or text fields "prompt", "chosen", "rejected" (TRL's format).
The reference model is the base with the adapter off; its log-probs are computed once per pair.
  --rank N            LoRA rank r (default 8)
  --alpha X           lora_alpha; the update is scaled by alpha / r (default 16)
  --targets LIST      modules to adapt (default q_proj,k_proj,v_proj,o_proj; also gate_proj,up_proj,down_proj)
  --lora-dropout P    dropout on the adapter's input during training (default 0)
  --beta X            DPO beta (default 0.1)
  --label-smoothing X conservative DPO's epsilon (default 0)
  --rpo-alpha X       weight of the NLL of the chosen answers (RPO; default 0)
  --dtype f32|q8|q4   the frozen base's weights (default f32)
${LOOP_USAGE}
Prints one JSON line per optimizer step: loss, rewards/chosen, rewards/rejected, rewards/accuracies,
rewards/margins, logps/chosen, logps/rejected, grad_norm, learning_rate, step, epoch, skipped.`;

const OPTIONS = {
  model: { type: 'string' },
  pairs: { type: 'string' },
  out: { type: 'string' },
  rank: { type: 'string' },
  alpha: { type: 'string' },
  targets: { type: 'string' },
  'lora-dropout': { type: 'string' },
  beta: { type: 'string' },
  'label-smoothing': { type: 'string' },
  'rpo-alpha': { type: 'string' },
  dtype: { type: 'string' },
  ...LOOP_OPTIONS,
} as const;

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  const modelDir = resolve(requireOption(values, 'model'));
  const pairsFile = requireOption(values, 'pairs');
  const out = requireOption(values, 'out');
  const loop = loopOptions(values, 5e-5);
  const dpo = {
    beta: numberOption(values, 'beta', 0.1),
    labelSmoothing: numberOption(values, 'label-smoothing', 0),
    rpoAlpha: numberOption(values, 'rpo-alpha', 0),
    microBatch: loop.microBatch,
  };
  const source = nodeSource(modelDir);
  const config = parseConfig(await source.readText('config.json'));
  const loraConfig = {
    r: numberOption(values, 'rank', 8),
    alpha: numberOption(values, 'alpha', 16),
    targetModules: parseTargets(typeof values.targets === 'string' ? values.targets : 'q_proj,k_proj,v_proj,o_proj'),
    dropout: numberOption(values, 'lora-dropout', 0),
  };
  const adapter = initLora(config, loraConfig, loop.seed);
  const { model, tokenizer } = await loadTrainable(source, { mode: 'lora', dtype: parseDtype(values.dtype), adapter, seed: loop.seed });
  const pairs = await readExamples(pairsFile, parseDpoPairs, tokenizer, config);
  const reference = await referenceLogps(model, pairs, loop.microBatch);
  const refByPair = new Map(pairs.map((p, i) => [p, reference[i]]));
  await runTrainingLoop(model, pairs, loop,
    (batch) => accumulateDpoGradients(model, batch, batch.map((p) => refByPair.get(p)!), dpo).then((r) => r.metrics),
    (m) => process.stdout.write(metricsLine(m) + '\n'));
  await writeFolder(out, writePeftAdapter(await readAdapter(model, loraConfig), modelDir));
  process.stderr.write(`saved the adapter to ${resolve(out)}\n`);
  model.rt.gpu.destroy();
  return 0;
}
