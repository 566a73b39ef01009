// The generation backend on our WebGPU engine: the policy model on the GPU, answering the loop's prompts.
// loadPolicy() keeps the weights (GpuWeights) in reach, so the engine trainer trains and folds adapters into
// the very weights this backend generates with: after train(), answers come from the new policy.
import { readCheckpoint } from '../engine/files/checkpoint.ts';
import { parseConfig, parseGenerationConfig, type ModelConfig } from '../engine/files/config.ts';
import { readOptionalText, type ModelSource } from '../engine/files/source.ts';
import { loadTokenizer, type Tokenizer } from '../engine/files/tokenizer.ts';
import { acquireGpu } from '../engine/gpu.ts';
import { generateBatch } from '../engine/model/generate.ts';
import { GpuModel } from '../engine/model/gpu-model.ts';
import { uploadCheckpoint, type GpuWeights } from '../engine/model/gpu-weights.ts';
import { Runtime } from '../engine/runtime.ts';
import { mixSeed } from '../util/mix-seed.ts';
import type { Completion, GenerationBackend, GenerationRequest } from './backend.ts';

/** Prompts per generate() call; each chunk draws its samples from seed mixSeed(request seed, chunk index). */
const PROMPTS_PER_CHUNK = 32;

export interface PolicyLoadOptions {
  dtype?: 'f32' | 'q8' | 'q4';
  runtime?: Runtime;
  onProgress?: (loaded: number, total: number | null) => void;
}

export interface EnginePolicy {
  readonly runtime: Runtime;
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly weights: GpuWeights;
  readonly dtype: 'f32' | 'q8' | 'q4';
  readonly backend: GenerationBackend;
  /** token ids of a prompt as the backend feeds it (with the tokenizer's special tokens, e.g. tiny-math's <s>) */
  encodePrompt(text: string): number[];
  dispose(): void;
}

export async function loadPolicy(source: ModelSource, options: PolicyLoadOptions = {}): Promise<EnginePolicy> {
  const dtype = options.dtype ?? 'f32';
  const config = parseConfig(await source.readText('config.json'));
  const genText = await readOptionalText(source, 'generation_config.json');
  const genEos = genText === null ? [] : parseGenerationConfig(genText).eosTokenIds;
  const tokenizer = await loadTokenizer(source, config);
  const eos = [...new Set([...config.eosTokenIds, ...(genEos ?? []), ...tokenizer.eosTokenIds])];
  const rt = options.runtime ?? new Runtime(await acquireGpu());
  const weights = await uploadCheckpoint(rt, config, dtype, readCheckpoint(source, (p) => options.onProgress?.(p.loaded, p.total), { config }));
  await rt.sync();
  const model = new GpuModel(rt, config, weights);
  const encodePrompt = (text: string) => tokenizer.encode(text, { addSpecialTokens: true });
  const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  const name = `webgpu:${source.name.split('/').filter(Boolean).pop() ?? source.name}:${dtype}`;

  const backend: GenerationBackend = {
    name,
    async generate(request: GenerationRequest): Promise<Completion[][]> {
      const { prompts, n, sampling, seed } = request;
      const total = prompts.length * n;
      const out: Completion[][] = [];
      for (let start = 0, chunk = 0; start < prompts.length; start += PROMPTS_PER_CHUNK, chunk++) {
        request.signal?.throwIfAborted();
        const ids = prompts.slice(start, start + PROMPTS_PER_CHUNK).map(encodePrompt);
        const rows = ids.length * n;
        const generations = await generateBatch(
          { decoder: model, eosTokenIds: eos, decode },
          ids,
          { n, maxNewTokens: sampling.maxNewTokens, temperature: sampling.temperature, topP: sampling.topP, stop: sampling.stop, seed: mixSeed(seed, chunk) },
          (p) => request.onProgress?.(start * n + rows - p.active, total),
        );
        for (const samples of generations) {
          out.push(samples.map((g) => ({ text: g.text, tokens: g.tokens.length, truncated: g.finishReason === 'length' })));
        }
        request.onProgress?.(Math.min(total, (start + ids.length) * n), total);
      }
      return out;
    },
  };
  return {
    runtime: rt, config, tokenizer, weights, dtype, backend, encodePrompt,
    dispose() {
      model.dispose();
      if (!options.runtime) rt.gpu.destroy();
    },
  };
}

/** The backend alone, for callers that only generate (eval). */
export async function engineBackend(source: ModelSource, options: PolicyLoadOptions = {}): Promise<GenerationBackend & { policy: EnginePolicy }> {
  const policy = await loadPolicy(source, options);
  return { ...policy.backend, policy, dispose: () => policy.dispose() };
}
