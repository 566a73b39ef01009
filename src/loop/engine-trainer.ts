// The Trainer on our WebGPU engine: DPO with a fresh LoRA adapter on the weights the generation backend answers
// with (shared on the GPU, never copied), the reference being the same weights with the adapter off (the policy at
// the start of the iteration, Rafailov et al. 2023), and the adapter folded into the weights at the end, so the
// next iteration generates with, and measures against, the trained policy.
//
// Prompts are tokenized exactly as the generation backend feeds them (encodePrompt: with the tokenizer's special
// tokens); answers without special tokens, ending with the model's EOS token (as TRL's DPOTrainer appends it), so
// DPO also teaches where an answer stops. An answer that does not fit the context is cut at its end and counted.
import { memorySource } from '../engine/files/source.ts';
import { readPeftAdapter, writePeftAdapter, type LoraConfig } from '../engine/files/adapter.ts';
import type { ModelConfig } from '../engine/files/config.ts';
import type { Tokenizer } from '../engine/files/tokenizer.ts';
import { attachLora, type GpuWeights } from '../engine/model/gpu-weights.ts';
import type { Runtime } from '../engine/runtime.ts';
import { accumulateDpoGradients, referenceLogps } from '../engine/train/dpo.ts';
import { DPO_METRIC_NAMES } from '../engine/train/dpo-loss.ts';
import type { DpoPair as TokenPair } from '../engine/train/examples.ts';
import { foldAdapter } from '../engine/train/fold.ts';
import { initLora, parseTargets } from '../engine/train/lora-init.ts';
import { runTrainingLoop, type StepMetrics as EngineStep } from '../engine/train/loop.ts';
import { TrainableModel } from '../engine/train/trainable.ts';
import { readAdapter } from '../engine/train/weights-io.ts';
import type { DpoPair, SavedAdapter, StepMetrics, Trainer, TrainResult, TrainSettings } from './trainer.ts';

/** The GPU model the generation backend answers with. */
export interface EngineModel {
  runtime: Runtime;
  config: ModelConfig;
  weights: GpuWeights;
  tokenizer: Tokenizer;
  /** a prompt's token ids as the generation backend feeds them */
  encodePrompt(text: string): number[];
  /** written into adapter_config.json as base_model_name_or_path */
  name: string;
}

/** The engine's step record (as TRL logs it: step from 1, fractional epoch) in the loop's form: numbers or null, skipped as 0/1. */
function toStepMetrics(m: EngineStep): StepMetrics {
  const out: StepMetrics = { step: m.step, epoch: m.epoch };
  for (const [name, v] of Object.entries(m)) {
    if (name === 'step' || name === 'epoch') continue;
    out[name] = typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

export function tokenizePairs(model: EngineModel, pairs: DpoPair[]): { pairs: TokenPair[]; cut: number } {
  const { tokenizer, config } = model;
  const eos = config.eosTokenIds[0];
  const limit = config.maxPositionEmbeddings;
  let cut = 0;
  const out = pairs.map((p, line) => {
    const prompt = model.encodePrompt(p.prompt);
    const answer = (text: string) => {
      const ids = [...tokenizer.encode(text, { addSpecialTokens: false }), ...(eos === undefined ? [] : [eos])];
      const room = Math.max(1, limit - prompt.length);
      if (ids.length > room) {
        cut++;
        return ids.slice(0, room);
      }
      return ids;
    };
    return { line: line + 1, prompt, chosen: answer(p.chosen), rejected: answer(p.rejected) };
  });
  return { pairs: out, cut };
}

export class EngineTrainer implements Trainer {
  readonly name = 'webgpu-dpo-lora';

  constructor(private readonly model: EngineModel) {}

  async restore(adapters: SavedAdapter[]): Promise<void> {
    const { runtime, config, weights } = this.model;
    for (const saved of adapters) {
      const files = new Map<string, Uint8Array>([
        ['adapter_config.json', new TextEncoder().encode(saved.configJson)],
        ['adapter_model.safetensors', saved.safetensors],
      ]);
      const lora = await readPeftAdapter(memorySource(files, `iteration ${saved.iteration} adapter`), config);
      attachLora(runtime, config, weights, lora);
      foldAdapter(runtime, weights);
    }
    await runtime.sync();
  }

  async train(_iteration: number, pairs: DpoPair[], settings: TrainSettings, onStep?: (m: StepMetrics) => void): Promise<TrainResult> {
    const { runtime: rt, config, weights } = this.model;
    const loraConfig: LoraConfig = { r: settings.loraRank, alpha: settings.loraAlpha, targetModules: parseTargets(settings.loraTargets.join(',')), dropout: 0 };
    attachLora(rt, config, weights, initLora(config, loraConfig, settings.seed));
    const trainable = new TrainableModel(rt, config, weights, 'lora', { seed: settings.seed });
    const microBatch = settings.microBatch ?? settings.batchSize;
    const steps: StepMetrics[] = [];
    try {
      const { pairs: tokenPairs } = tokenizePairs(this.model, pairs);
      // the reference: the policy at the start of the iteration (adapter off), once per pair
      const reference = await referenceLogps(trainable, tokenPairs, microBatch);
      const refOf = new Map(tokenPairs.map((p, i) => [p, reference[i]]));
      await runTrainingLoop(trainable, tokenPairs, { lr: settings.learningRate, epochs: settings.epochs, batch: settings.batchSize, microBatch, seed: settings.seed, maxGradNorm: 1, metricNames: DPO_METRIC_NAMES },
        (batch) => accumulateDpoGradients(trainable, batch, batch.map((p) => refOf.get(p)!), { beta: settings.beta, microBatch }).then((r) => r.metrics),
        (m) => {
          const step = toStepMetrics(m);
          steps.push(step);
          onStep?.(step);
        });
      const adapter = await readAdapter(trainable, loraConfig);
      const files = writePeftAdapter(adapter, this.model.name);
      return {
        steps,
        adapter: { safetensors: files.get('adapter_model.safetensors')!, configJson: new TextDecoder().decode(files.get('adapter_config.json')!) },
      };
    } finally {
      for (const p of trainable.parameters) rt.release(p.grad);
      // the adapter becomes part of the policy (also after a failure mid-training: the runner reloads the policy then)
      foldAdapter(rt, weights);
      await rt.sync();
    }
  }
}
