// The model's high-level API: what the page's worker and the CLI call. loadModel() reads a Hugging Face
// folder (config, tokenizer, weights, optional PEFT LoRA adapter) onto the GPU (or, with device 'cpu',
// into the plain TypeScript reference model) and returns a LanguageModel that generates and scores.
import { parseConfig, parseGenerationConfig, type ModelConfig } from '../files/config.ts';
import { readCheckpoint } from '../files/checkpoint.ts';
import { readPeftAdapter } from '../files/adapter.ts';
import { readOptionalText, type ModelSource } from '../files/source.ts';
import { loadTokenizer, type Tokenizer } from '../files/tokenizer.ts';
import type { Runtime } from '../runtime.ts';
import type { Backend } from './backend.ts';
import { cpuBackend } from './cpu-decoder.ts';
import { parseDevice, parseDtype } from './options.ts';
import { generateBatch, type GenerateOptions, type Generation } from './generate.ts';

export type { GenerateOptions, Generation } from './generate.ts';

export interface LoadOptions {
  device?: 'gpu' | 'cpu';
  dtype?: 'f32' | 'q8' | 'q4';
  adapter?: ModelSource;
  onProgress?: (p: LoadProgress) => void;
  runtime?: Runtime;
  /** Told about checkpoint tensors dropped because the model has no use for them (rotary caches, ...). */
  onWarning?: (message: string) => void;
}

export interface LoadProgress {
  phase: 'config' | 'tokenizer' | 'weights' | 'ready';
  file?: string;
  loaded: number;
  total: number | null;
}

export interface LanguageModel {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly device: string;
  /** [prompt][sample]. String prompts are tokenized with the tokenizer's special tokens, as tokenizer(text) does in transformers (e.g. tiny-math's and Llama's <s>); pass ids to control them. */
  generate(
    prompts: (string | number[])[],
    options?: GenerateOptions,
    onStep?: (p: { step: number; active: number }) => void,
  ): Promise<Generation[][]>;
  /** Teacher-forced sum of log p(response token | prompt, earlier response tokens), and the count. */
  logprobs(items: { promptIds: number[]; responseIds: number[] }[]): Promise<{ logprob: number; tokens: number }[]>;
  dispose(): void;
}

export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<LanguageModel> {
  const device = parseDevice(options.device, 'LoadOptions.device');
  const dtype = parseDtype(options.dtype, 'LoadOptions.dtype');
  const report = options.onProgress ?? (() => {});
  report({ phase: 'config', file: 'config.json', loaded: 0, total: 1 });
  const config = parseConfig(await source.readText('config.json'));
  const genText = await readOptionalText(source, 'generation_config.json');
  const genConfig = genText === null ? null : parseGenerationConfig(genText);
  report({ phase: 'config', file: 'config.json', loaded: 1, total: 1 });
  report({ phase: 'tokenizer', file: 'tokenizer.json', loaded: 0, total: 1 });
  const tokenizer = await loadTokenizer(source, config);
  report({ phase: 'tokenizer', file: 'tokenizer.json', loaded: 1, total: 1 });
  const eos = [...new Set([...config.eosTokenIds, ...(genConfig?.eosTokenIds ?? []), ...tokenizer.eosTokenIds])];
  const lora = options.adapter ? await readPeftAdapter(options.adapter, config) : undefined;
  const tensors = readCheckpoint(source, (p) => report({ phase: 'weights', file: p.file, loaded: p.loaded, total: p.total }), { config, onWarning: options.onWarning });

  const backend = device === 'cpu'
    ? await cpuBackend(config, tensors, lora, dtype)
    : await (await import('./gpu-backend.ts')).gpuBackend(config, tensors, lora, { dtype, runtime: options.runtime });
  report({ phase: 'ready', loaded: 1, total: 1 });
  return makeModel(config, tokenizer, eos, backend);
}

function makeModel(config: ModelConfig, tokenizer: Tokenizer, eos: number[], backend: Backend): LanguageModel {
  const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
  return {
    config,
    tokenizer,
    device: backend.device,
    generate(prompts, options, onStep) {
      const ids = prompts.map((p) => (typeof p === 'string' ? tokenizer.encode(p, { addSpecialTokens: true }) : p));
      return generateBatch({ decoder: backend.decoder, eosTokenIds: eos, decode }, ids, options, onStep);
    },
    logprobs: (items) => {
      // the last response token is predicted, never read: P + R − 1 positions (the same check on every device)
      items.forEach((it, i) => {
        const positions = it.promptIds.length + it.responseIds.length - 1;
        if (positions > config.maxPositionEmbeddings) throw new Error(`logprobs item ${i}: a prompt + response of ${positions + 1} tokens exceeds the model's ${config.maxPositionEmbeddings} positions`);
      });
      return backend.logprobs(items);
    },
    dispose: () => backend.dispose(),
  };
}
