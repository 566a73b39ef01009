// What an external training run needs, as text: the pairs in TRL's dataset format, the DPOTrainer config, a
// ready-to-run TRL script and the equivalent OpenRLHF command. Pure functions (no file system), so the page can
// offer the same files for download. The reference model of every iteration is the previous iterate: the script
// trains a LoRA adapter on top of `model_name_or_path` (the previous iterate's merged weights) and TRL uses that
// model with the adapter disabled as the DPO reference, which is the paper's iterative scheme.
import type { DpoPair, TrainSettings } from '../loop/trainer.ts';

export interface ExportSettings extends TrainSettings {
  /** weights to train from: the previous iterate (a local folder or a hub id) */
  modelPath: string;
  /** tokens of prompt + answer kept; longer pairs are truncated by TRL; default 2048 */
  maxLength?: number;
  /** per-GPU micro-batch; the script sets gradient accumulation so one step sees `batchSize` pairs; default 2 */
  perDeviceBatchSize?: number;
  loraDropout?: number;
}

/** The file names of one iteration's hand-off folder. */
export const HANDOFF_FILES = {
  pairs: 'train.jsonl',
  problems: 'problems.jsonl',
  config: 'dpo_config.json',
  script: 'train_dpo.py',
  openrlhf: 'openrlhf.sh',
  readme: 'README.md',
  checkpoint: 'CHECKPOINT',
  metrics: 'metrics.jsonl',
} as const;

/** TRL's standard preference format, one JSON object per line: {"prompt", "chosen", "rejected"}. */
export function pairsJsonl(pairs: DpoPair[]): string {
  return pairs.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected })).join('\n') + (pairs.length ? '\n' : '');
}

/** The problems behind the pairs (one line each, first pair's prompt), so a user can audit what was trained on. */
export function problemsJsonl(pairs: DpoPair[], sampled: { id: string; prompt?: string }[] = []): string {
  const seen = new Map<string, { id: string; prompt?: string; pairs: number }>();
  for (const s of sampled) seen.set(s.id, { id: s.id, prompt: s.prompt, pairs: 0 });
  for (const p of pairs) {
    const entry = seen.get(p.problemId) ?? { id: p.problemId, prompt: p.prompt, pairs: 0 };
    entry.prompt ??= p.prompt;
    entry.pairs++;
    seen.set(p.problemId, entry);
  }
  return [...seen.values()].map((e) => JSON.stringify(e)).join('\n') + (seen.size ? '\n' : '');
}

/** LoRA target names as PEFT expects them for Llama / Qwen2 models: "q" and "q_proj" both mean q_proj. */
export function peftTargets(targets: string[]): string[] {
  const short = new Set(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
  return targets.map((t) => (short.has(t) ? `${t}_proj` : t));
}

export function dpoConfig(settings: ExportSettings, iteration: number): Record<string, unknown> {
  return {
    iteration,
    model_name_or_path: settings.modelPath,
    reference: 'the previous iterate: model_name_or_path with the LoRA adapter disabled',
    train_file: HANDOFF_FILES.pairs,
    output_dir: 'trl-output',
    merged_dir: 'trl-output/merged',
    checkpoint_file: HANDOFF_FILES.checkpoint,
    metrics_file: HANDOFF_FILES.metrics,
    beta: settings.beta,
    learning_rate: settings.learningRate,
    num_train_epochs: settings.epochs,
    global_batch_size: settings.batchSize,
    per_device_train_batch_size: settings.perDeviceBatchSize ?? 2,
    max_length: settings.maxLength ?? 2048,
    seed: settings.seed,
    bf16: true,
    lora: {
      r: settings.loraRank,
      lora_alpha: settings.loraAlpha,
      lora_dropout: settings.loraDropout ?? 0.05,
      target_modules: peftTargets(settings.loraTargets),
    },
  };
}

/** A shell word that survives spaces and quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The same training with OpenRLHF (its train_dpo CLI, LoRA, then lora_combiner to merge), as a shell script. */
export function openRlhfScript(settings: ExportSettings, iterDir: string): string {
  const q = shellQuote;
  const save = `${iterDir}/openrlhf-output`;
  const merged = `${iterDir}/openrlhf-output/merged`;
  return `#!/usr/bin/env bash
# DPO for this iteration with OpenRLHF instead of TRL (the same data and settings). Flags follow OpenRLHF's
# openrlhf.cli.train_dpo; check \`python -m openrlhf.cli.train_dpo --help\` for your version.
# The reference model is --pretrain, the previous iterate, as in the TRL script.
set -euo pipefail
deepspeed --module openrlhf.cli.train_dpo \\
  --pretrain ${q(settings.modelPath)} \\
  --dataset ${q(`${iterDir}/${HANDOFF_FILES.pairs}`)} \\
  --prompt_key prompt --chosen_key chosen --rejected_key rejected \\
  --save_path ${q(save)} \\
  --train_batch_size ${settings.batchSize} --micro_train_batch_size ${settings.perDeviceBatchSize ?? 2} \\
  --max_epochs ${settings.epochs} --learning_rate ${settings.learningRate} --beta ${settings.beta} \\
  --lora_rank ${settings.loraRank} --lora_alpha ${settings.loraAlpha} --target_modules ${peftTargets(settings.loraTargets).join(' ')} \\
  --max_len ${settings.maxLength ?? 2048} --seed ${settings.seed} \\
  --zero_stage 2 --bf16 --gradient_checkpointing --logging_steps 1
# merge the adapter into the previous iterate's weights: the next iteration's policy and reference
python -m openrlhf.cli.lora_combiner --model_path ${q(settings.modelPath)} --lora_path ${q(save)} --output_path ${q(merged)} --bf16
# tell the waiting loop where the new checkpoint is
printf '{"path": "%s"}\\n' ${q(merged)} > ${q(`${iterDir}/${HANDOFF_FILES.checkpoint}`)}
`;
}

/** The TRL script; it reads dpo_config.json next to it (or the path given as its first argument). */
export const TRL_SCRIPT = `#!/usr/bin/env python3
"""DPO for one SAI-DPO iteration with TRL's DPOTrainer and a LoRA adapter.

Run from this folder, on one GPU or several:
    accelerate launch train_dpo.py            (or: python train_dpo.py)
It reads dpo_config.json, trains on train.jsonl (TRL's prompt / chosen / rejected format), merges the adapter into
the previous iterate's weights, saves the result under trl-output/merged, writes the step metrics to metrics.jsonl
and finally writes CHECKPOINT, the file the waiting sai-dpo loop watches.
The DPO reference is the previous iterate: model_name_or_path with the adapter disabled.
"""
import dataclasses
import inspect
import json
import os
import sys
from pathlib import Path

import torch
from datasets import load_dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import DPOConfig, DPOTrainer

here = Path(__file__).resolve().parent
config_path = Path(sys.argv[1]) if len(sys.argv) > 1 else here / "dpo_config.json"
cfg = json.loads(config_path.read_text())
base = config_path.parent

tokenizer = AutoTokenizer.from_pretrained(cfg["model_name_or_path"])
if tokenizer.pad_token is None:
    tokenizer.pad_token = tokenizer.eos_token
model = AutoModelForCausalLM.from_pretrained(cfg["model_name_or_path"], torch_dtype=torch.bfloat16 if cfg["bf16"] else torch.float32)
dataset = load_dataset("json", data_files=str(base / cfg["train_file"]), split="train")

world_size = int(os.environ.get("WORLD_SIZE", "1"))
per_device = cfg["per_device_train_batch_size"]
accumulation = max(1, cfg["global_batch_size"] // (per_device * world_size))
wanted = dict(
    output_dir=str(base / cfg["output_dir"]),
    beta=cfg["beta"],
    learning_rate=cfg["learning_rate"],
    num_train_epochs=cfg["num_train_epochs"],
    per_device_train_batch_size=per_device,
    gradient_accumulation_steps=accumulation,
    max_length=cfg["max_length"],
    seed=cfg["seed"],
    bf16=cfg["bf16"],
    logging_steps=1,
    save_strategy="no",
    report_to="none",
)
# DPOConfig's fields differ between TRL versions: pass the ones this version has, say which it lacks
known = {f.name for f in dataclasses.fields(DPOConfig)}
for name in sorted(set(wanted) - known):
    print(f"note: this TRL's DPOConfig has no {name}; left out", file=sys.stderr)
args = DPOConfig(**{k: v for k, v in wanted.items() if k in known})

lora = cfg["lora"]
peft_config = LoraConfig(r=lora["r"], lora_alpha=lora["lora_alpha"], lora_dropout=lora["lora_dropout"],
                         target_modules=lora["target_modules"], task_type="CAUSAL_LM")
# TRL >= 0.12 takes the tokenizer as processing_class, older versions as tokenizer
tokenizer_arg = "processing_class" if "processing_class" in inspect.signature(DPOTrainer.__init__).parameters else "tokenizer"
trainer = DPOTrainer(model=model, ref_model=None, args=args, train_dataset=dataset, peft_config=peft_config,
                     **{tokenizer_arg: tokenizer})
trainer.train()

if trainer.is_world_process_zero():
    with open(base / cfg["metrics_file"], "w") as out:
        for entry in trainer.state.log_history:
            if "loss" in entry:
                out.write(json.dumps(entry) + "\\n")
    merged_dir = base / cfg["merged_dir"]
    merged = trainer.model.merge_and_unload()
    merged.save_pretrained(str(merged_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(merged_dir))
    (base / cfg["checkpoint_file"]).write_text(json.dumps({"path": str(merged_dir)}) + "\\n")
    print(f"new checkpoint: {merged_dir}")
`;

/** A README for the folder: what is here and the two ways to hand the result back. */
export function handoffReadme(iteration: number, iterDir: string, modelPath: string, pairs: number): string {
  return `# Iteration ${iteration}: DPO hand-off

- \`${HANDOFF_FILES.pairs}\`: ${pairs} DPO pairs in TRL's format (prompt, chosen, rejected)
- \`${HANDOFF_FILES.problems}\`: the problems behind them
- \`${HANDOFF_FILES.config}\`: beta, learning rate, epochs, LoRA; trains from \`${modelPath}\`, the previous iterate, which is also the DPO reference
- \`${HANDOFF_FILES.script}\`: TRL DPOTrainer: \`cd ${shellQuote(iterDir)} && accelerate launch ${HANDOFF_FILES.script}\`
- \`${HANDOFF_FILES.openrlhf}\`: the same with OpenRLHF: \`bash ${shellQuote(`${iterDir}/${HANDOFF_FILES.openrlhf}`)}\`

The loop waits until \`${HANDOFF_FILES.checkpoint}\` exists in this folder (both scripts write it when they finish).
Its content: \`{"path": "/path/to/merged"}\`, \`{"model": "served-name"}\`, both, or one line with a path or a
served model name. Then serve the new weights under that name (e.g. \`vllm serve /path/to/merged\`) before the loop
probes again, or give the checkpoint on the command line: \`sai-dpo run ... --resume --checkpoint /path/to/merged\`.
`;
}
