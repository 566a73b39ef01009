// A tiny Llama / Qwen2 model folder on disk, for tests of the loader and the forward pass:
// config.json, generation_config.json, a character-level tokenizer (tokenizer.json +
// tokenizer_config.json with a chat template) and seeded random weights (model.safetensors, or
// shards + model.safetensors.index.json).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHARACTERS, characterTokenizerJson } from '../../src/engine/files/char-tokenizer.ts';
import { Rng } from '../../src/util/random.ts';
import { parseConfig, type ModelConfig } from '../../src/engine/files/config.ts';
import { SafetensorsFile, writeSafetensors, type TensorToWrite } from '../../src/engine/files/safetensors.ts';
import { expectedWeightShapes } from '../../src/engine/files/weight-names.ts';

export interface TinyModelOptions {
  arch: 'llama' | 'qwen2';
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Written to config.json as head_dim when given; else hidden / heads. */
  headDim?: number;
  intermediate: number;
  /** At least TINY_TOKENIZER_SIZE (the character tokenizer's size); default 128. */
  vocab?: number;
  tie?: boolean;
  dtype?: 'F32' | 'F16' | 'BF16';
  seed: number;
  /** Split the weights over this many files with an index (default 1: a single model.safetensors). */
  shards?: number;
  /** Llama only: q/k/v/o biases (attention_bias). */
  attentionBias?: boolean;
  /** Changes the seeded weights (by Hugging Face name) before they are written. */
  edit?: (tensors: Map<string, { shape: number[]; data: Float32Array }>, config: ModelConfig) => void;
}

export interface TinyModel {
  config: ModelConfig;
  /** The weights as stored (already rounded when dtype is F16 / BF16), by Hugging Face name. */
  tensors: Map<string, Float32Array>;
}

// Token ids: 0 <pad>, 1 <s>, 2 </s>, 3 "\n", then printable ASCII " " … "~".
const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>'];
export const TINY_TOKENIZER_SIZE = SPECIAL_TOKENS.length + CHARACTERS.length;
export const TINY_BOS = 1;
export const TINY_EOS = 2;

export async function writeTinyModel(dir: string, options: TinyModelOptions): Promise<TinyModel> {
  const vocab = options.vocab ?? 128;
  if (vocab < TINY_TOKENIZER_SIZE) throw new Error(`writeTinyModel: vocab ${vocab} is smaller than the character tokenizer (${TINY_TOKENIZER_SIZE} tokens)`);
  await mkdir(dir, { recursive: true });
  const configJson = tinyConfigJson(options, vocab);
  const config = parseConfig(JSON.stringify(configJson), join(dir, 'config.json'));
  const dtype = options.dtype ?? 'F32';
  const tensors = randomWeights(config, options.seed);
  options.edit?.(tensors, config);
  const stored = await writeWeights(dir, tensors, dtype, options.shards ?? 1);
  await writeJson(join(dir, 'config.json'), configJson);
  await writeJson(join(dir, 'generation_config.json'), { bos_token_id: TINY_BOS, eos_token_id: [TINY_EOS], max_new_tokens: 64 });
  await writeJson(join(dir, 'tokenizer.json'), tinyTokenizerJson(vocab));
  await writeJson(join(dir, 'tokenizer_config.json'), tinyTokenizerConfig());
  return { config, tensors: stored };
}

function tinyConfigJson(o: TinyModelOptions, vocab: number): Record<string, unknown> {
  return {
    architectures: [o.arch === 'llama' ? 'LlamaForCausalLM' : 'Qwen2ForCausalLM'],
    model_type: o.arch,
    hidden_size: o.hidden,
    intermediate_size: o.intermediate,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    num_key_value_heads: o.kvHeads,
    ...(o.headDim !== undefined ? { head_dim: o.headDim } : {}),
    ...(o.arch === 'llama' ? { attention_bias: o.attentionBias ?? false, mlp_bias: false } : {}),
    vocab_size: vocab,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    rope_scaling: null,
    max_position_embeddings: 512,
    tie_word_embeddings: o.tie ?? true,
    hidden_act: 'silu',
    bos_token_id: TINY_BOS,
    eos_token_id: TINY_EOS,
    torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[o.dtype ?? 'F32'],
  };
}

/**
 * Seeded weights with sane activations: norms 1 + N(0, 0.05²), biases N(0, 0.02²), linear weights
 * N(0, 0.08²) (for hidden 16…128 each projection keeps its input's scale within a factor of ~2) and
 * embeddings N(0, 0.3²) so tied logits spread over a few nats rather than being flat.
 */
function randomWeights(config: ModelConfig, seed: number): Map<string, { shape: number[]; data: Float32Array }> {
  const normal = seededNormal(seed);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expectedWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const isNorm = name.endsWith('norm.weight');
    const isBias = name.endsWith('.bias');
    const isEmbedding = name === 'model.embed_tokens.weight';
    const std = isNorm ? 0.05 : isBias ? 0.02 : isEmbedding ? 0.3 : 0.08;
    for (let i = 0; i < data.length; i++) data[i] = (isNorm ? 1 : 0) + std * normal();
    out.set(name, { shape, data });
  }
  return out;
}

/** Writes the weights in `shards` files; returns the values as read back (rounded to the dtype). */
async function writeWeights(
  dir: string,
  tensors: Map<string, { shape: number[]; data: Float32Array }>,
  dtype: 'F32' | 'F16' | 'BF16',
  shards: number,
): Promise<Map<string, Float32Array>> {
  const names = [...tensors.keys()];
  if (!Number.isInteger(shards) || shards < 1 || shards > names.length) throw new Error(`writeTinyModel: shards must be 1…${names.length}, got ${shards}`);
  const stored = new Map<string, Float32Array>();
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  const perShard = Math.ceil(names.length / shards);
  for (let s = 0; s < shards; s++) {
    const file = shards === 1 ? 'model.safetensors' : `model-${pad5(s + 1)}-of-${pad5(shards)}.safetensors`;
    const group: Record<string, TensorToWrite> = {};
    for (const name of names.slice(s * perShard, (s + 1) * perShard)) {
      group[name] = { ...tensors.get(name)!, dtype };
      weightMap[name] = file;
    }
    const bytes = writeSafetensors(group, { format: 'pt' });
    await writeFile(join(dir, file), bytes);
    const parsed = SafetensorsFile.parse(bytes, file);
    for (const info of parsed.tensors.values()) {
      stored.set(info.name, parsed.f32(info.name));
      totalSize += info.end - info.begin;
    }
  }
  if (shards > 1) await writeJson(join(dir, 'model.safetensors.index.json'), { metadata: { total_size: totalSize }, weight_map: weightMap });
  return stored;
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}

/**
 * An edit that makes EOS the most likely token after any prefix (untied models only): the residual stream's
 * first channel is +5 for every token and no layer writes to it, the final norm keeps only that channel, and
 * only the EOS row of lm_head reads it, so EOS's logit is positive and every other logit is exactly 0.
 */
export function eosFirstEdit(tensors: Map<string, { shape: number[]; data: Float32Array }>, config: ModelConfig): void {
  if (config.tieWordEmbeddings) throw new Error('eosFirstEdit needs untied embeddings (tie: false)');
  const H = config.hiddenSize;
  const get = (name: string) => tensors.get(name)!.data;
  const embed = get('model.embed_tokens.weight');
  for (let v = 0; v < config.vocabSize; v++) embed[v * H] = 5;
  for (let l = 0; l < config.numLayers; l++) {
    for (const proj of ['self_attn.o_proj', 'mlp.down_proj']) {
      const w = get(`model.layers.${l}.${proj}.weight`); // [H, in]: row 0 writes channel 0
      w.fill(0, 0, w.length / H);
    }
  }
  const norm = get('model.norm.weight');
  norm.fill(0);
  norm[0] = 1;
  const head = get('lm_head.weight');
  head.fill(0);
  head[TINY_EOS * H] = 10;
}

/** Character-level WordLevel tokenizer; ids past the characters are placeholder tokens up to `vocab`. */
export function tinyTokenizerJson(vocab: number): Record<string, unknown> {
  return characterTokenizerJson(SPECIAL_TOKENS, '<pad>', vocab);
}

function tinyTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<pad>',
    model_max_length: 512,
    clean_up_tokenization_spaces: false,
    chat_template:
      "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}" +
      "{% if add_generation_prompt %}assistant: {% endif %}",
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 1) + '\n');
}

/** Seeded N(0, 1) samples. */
export function seededNormal(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.normal();
}
