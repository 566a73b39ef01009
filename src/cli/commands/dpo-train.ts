// sai-dpo dpo-train: DPO with a fresh LoRA adapter on a frozen base; one JSON line of metrics per step; saves a PEFT adapter.
import { resolve } from 'node:path';
import { writePeftAdapter } from '../../engine/files/adapter.ts';
import { parseConfig } from '../../engine/files/config.ts';
import { nodeSource } from '../../engine/files/source.ts';
import type { Dtype } from '../../engine/model/options.ts';
import { accumulateDpoGradients, referenceLogps } from '../../engine/train/dpo.ts';
import { DPO_METRIC_NAMES } from '../../engine/train/dpo-loss.ts';
import { parseDpoPairs } from '../../engine/train/examples.ts';
import { initLora, parseTargets } from '../../engine/train/lora-init.ts';
import { loadTrainable } from '../../engine/train/load.ts';
import { runTrainingLoop } from '../../engine/train/loop.ts';
import { readAdapter } from '../../engine/train/weights-io.ts';
import { DTYPE_SPEC, MODEL_SPEC, optionsHelp, parseCommandLine, UsageError, warn } from '../args.ts';
import { checkOutputFolder, writeFolder } from '../files.ts';
import { loopOptions, loopSpecs, metricsLine, readExamples, trainingExitCode } from '../train-options.ts';

export const summary = 'train a LoRA adapter with DPO on preference pairs; saves it in PEFT format';

const OPTIONS = {
  model: MODEL_SPEC,
  pairs: { kind: 'string', required: true, placeholder: 'FILE', help: 'the preference pairs (JSONL)' },
  out: { kind: 'string', required: true, placeholder: 'DIR', help: 'the adapter folder to write (written as a whole at the end; other files in it are kept)' },
  rank: { kind: 'integer', min: 1, default: 8, help: 'LoRA rank r' },
  alpha: { kind: 'number', above: 0, default: 16, help: 'lora_alpha; the update is scaled by alpha / r' },
  targets: { kind: 'string', default: 'q_proj,k_proj,v_proj,o_proj', placeholder: 'LIST', help: 'modules to adapt (also gate_proj, up_proj, down_proj)' },
  'lora-dropout': { kind: 'number', min: 0, below: 1, default: 0, help: "dropout on the adapter's input during training" },
  beta: { kind: 'number', above: 0, default: 0.1, help: 'DPO beta' },
  'label-smoothing': { kind: 'number', min: 0, below: 0.5, default: 0, help: "conservative DPO's epsilon" },
  'rpo-alpha': { kind: 'number', min: 0, default: 0, help: 'weight of the NLL of the chosen answers (RPO)' },
  dtype: DTYPE_SPEC,
  ...loopSpecs(5e-5),
} as const;

export const usage = `usage: sai-dpo dpo-train --model DIR --pairs FILE.jsonl --out ADAPTER_DIR [options]

Pairs, one per line, in TRL's formats: {"prompt", "chosen", "rejected"} as text, or as conversations
({"prompt": [{"role", "content"}, ...], "chosen": [{"role": "assistant", ...}], ...}, rendered with the model's
chat template), or as token ids {"prompt_ids", "chosen_ids", "rejected_ids"}.
The reference model is the base with the adapter off; its log-probs are computed once per pair.

options:
${optionsHelp(OPTIONS)}

Prints one JSON line per optimizer step, the same keys on every line (null where a skipped step has no value):
loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected,
(nll_loss with RPO), grad_norm, learning_rate, step (from 1), epoch (fractional), skipped.`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const loop = loopOptions(values);
  const targetModules = usageCheck(() => parseTargets(values.targets));
  const modelDir = resolve(values.model);
  await checkOutputFolder(values.out);
  const dpo = { beta: values.beta, labelSmoothing: values['label-smoothing'], rpoAlpha: values['rpo-alpha'], microBatch: loop.microBatch };
  const source = nodeSource(modelDir);
  const config = parseConfig(await source.readText('config.json'));
  const loraConfig = { r: values.rank, alpha: values.alpha, targetModules, dropout: values['lora-dropout'] };
  const adapter = initLora(config, loraConfig, loop.seed);
  const { model, tokenizer } = await loadTrainable(source, { mode: 'lora', dtype: values.dtype as Dtype, adapter, seed: loop.seed, onWarning: warn });
  try {
    const { items: pairs, skipped } = await readExamples(values.pairs, parseDpoPairs, tokenizer, config);
    const reference = await referenceLogps(model, pairs, loop.microBatch);
    const refByPair = new Map(pairs.map((p, i) => [p, reference[i]]));
    const metricNames = dpo.rpoAlpha > 0 ? [...DPO_METRIC_NAMES, 'nll_loss'] : DPO_METRIC_NAMES;
    await runTrainingLoop(model, pairs, { ...loop, metricNames },
      (batch) => accumulateDpoGradients(model, batch, batch.map((p) => refByPair.get(p)!), dpo).then((r) => r.metrics),
      (m) => process.stdout.write(metricsLine(m) + '\n'));
    await writeFolder(values.out, writePeftAdapter(await readAdapter(model, loraConfig), modelDir));
    process.stderr.write(`saved the adapter to ${resolve(values.out)}\n`);
    return trainingExitCode(skipped, values.pairs);
  } finally {
    model.rt.gpu.destroy();
  }
}

/** Runs a check of an option's value, turning its error into a usage error. */
function usageCheck<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError(`--targets: ${error instanceof Error ? error.message : String(error)}`);
  }
}
