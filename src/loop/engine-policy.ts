// The policy on our WebGPU engine: one set of GPU weights that the generation backend answers with and the trainer
// trains (LoRA) and folds into at the end of each iteration, so generation always uses the current policy and
// nothing is copied or reloaded between iterations.
import { readCheckpoint } from '../engine/files/checkpoint.ts';
import { parseConfig as parseModelConfig } from '../engine/files/config.ts';
import type { ModelSource } from '../engine/files/source.ts';
import { loadTokenizer } from '../engine/files/tokenizer.ts';
import { acquireGpu } from '../engine/gpu.ts';
import { generateBatch } from '../engine/model/generate.ts';
import { GpuModel } from '../engine/model/gpu-model.ts';
import { uploadCheckpoint } from '../engine/model/gpu-weights.ts';
import { Runtime } from '../engine/runtime.ts';
import type { Completion, GenerationBackend, GenerationRequest } from './backend.ts';
import type { ExperimentConfig } from './config.ts';
import { EngineTrainer, type EngineModel } from './engine-trainer.ts';
import type { Policy } from './runner.ts';

/** Prompts per generateBatch call: bounds the KV cache and lets progress and abort act between chunks. */
const PROMPTS_PER_CHUNK = 16;

function engineGeneration(model: EngineModel, gpuModel: GpuModel): GenerationBackend {
  const { tokenizer, config } = model;
  const eos = [...new Set([...config.eosTokenIds, ...tokenizer.eosTokenIds])];
  const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  return {
    name: `webgpu:${model.name}`,
    async generate(request: GenerationRequest): Promise<Completion[][]> {
      const { prompts, n, sampling, seed, signal, onProgress } = request;
      const total = prompts.length * n;
      const out: Completion[][] = [];
      for (let start = 0; start < prompts.length; start += PROMPTS_PER_CHUNK) {
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        const chunk = prompts.slice(start, start + PROMPTS_PER_CHUNK);
        const ids = chunk.map((p) => tokenizer.encode(p, { addSpecialTokens: false }));
        // each chunk gets its own seed stream, so results do not depend on how prompts are chunked elsewhere
        const generations = await generateBatch({ decoder: gpuModel, eosTokenIds: eos, decode }, ids,
          { n, maxNewTokens: sampling.maxNewTokens, temperature: sampling.temperature, topP: sampling.topP, seed: (seed + start * 7919) >>> 0, stop: sampling.stop });
        for (const row of generations) {
          out.push(row.map((g) => ({ text: g.text, tokens: g.tokens.length, truncated: g.finishReason === 'length' })));
        }
        onProgress?.(Math.min(total, (start + chunk.length) * n), total);
      }
      return out;
    },
  };
}

/** Loads the base model onto the GPU (on `runtime`, or a device of its own) and pairs generation with training. */
export async function enginePolicy(source: ModelSource, config: ExperimentConfig, runtime?: Runtime): Promise<Policy> {
  const modelConfig = parseModelConfig(await source.readText('config.json'));
  const tokenizer = await loadTokenizer(source, modelConfig);
  const rt = runtime ?? new Runtime(await acquireGpu());
  const weights = await uploadCheckpoint(rt, modelConfig, config.model.dtype, readCheckpoint(source, undefined, { config: modelConfig }));
  await rt.sync();
  const gpuModel = new GpuModel(rt, modelConfig, weights);
  const model: EngineModel = { runtime: rt, config: modelConfig, weights, tokenizer, name: source.name };
  return {
    backend: engineGeneration(model, gpuModel),
    trainer: new EngineTrainer(model),
    dispose() {
      gpuModel.dispose();
      if (!runtime) rt.gpu.destroy();
    },
  };
}
