// Writes the bundled model public/models/tiny-random/: a small Llama-shaped model with seeded random
// weights (untrained: its text is noise) and a character-level tokenizer over printable ASCII.
// It stands in for the trained math model until that ships. Same seed, same bytes.
// Usage: node bin/run-ts.mjs scripts/make-bundled-model.ts [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHARACTERS, characterTokenizerJson } from '../src/engine/files/char-tokenizer.ts';
import { writeSafetensors, type TensorToWrite } from '../src/engine/files/safetensors.ts';
import { Rng } from '../src/util/random.ts';

export const BUNDLED_MODEL_DIR = 'public/models/tiny-random';
const SEED = 20_260_101;

const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>'] as const;

const SHAPE = {
  hidden: 64,
  intermediate: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  vocab: SPECIAL_TOKENS.length + CHARACTERS.length,
  maxPositions: 512,
};
const HEAD_DIM = SHAPE.hidden / SHAPE.heads;

/** The shape fields of a Llama config.json that the bundled models choose. */
export interface LlamaShape {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  maxPositions: number;
}

/** A Hugging Face Llama config.json (untied embeddings, no biases, RoPE θ 10000, RMSNorm ε 1e-5; ids 0 pad, 1 <s>, 2 </s>). */
export function llamaConfigJson(shape: LlamaShape): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: shape.hidden,
    intermediate_size: shape.intermediate,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    head_dim: shape.hidden / shape.heads,
    hidden_act: 'silu',
    max_position_embeddings: shape.maxPositions,
    rms_norm_eps: 1e-5,
    rope_theta: 10000.0,
    vocab_size: shape.vocab,
    tie_word_embeddings: false,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 0,
    torch_dtype: 'float32',
  };
}

export function configJson(): Record<string, unknown> {
  return llamaConfigJson(SHAPE);
}

/** A Hugging Face tokenizer.json: every character is one token. */
export function tokenizerJson(): Record<string, unknown> {
  return characterTokenizerJson(SPECIAL_TOKENS, '<unk>');
}

/** tokenizer_config.json of a bundled character tokenizer; `addBos`: the tokenizer puts <s> before a text. */
export function characterTokenizerConfigJson(maxPositions: number, addBos = false): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    ...(addBos ? { add_bos_token: true } : {}),
    model_max_length: maxPositions,
    clean_up_tokenization_spaces: false,
  };
}

export function tokenizerConfigJson(): Record<string, unknown> {
  return characterTokenizerConfigJson(SHAPE.maxPositions);
}

export function generationConfigJson(): Record<string, unknown> {
  return { bos_token_id: 1, eos_token_id: 2, pad_token_id: 0, do_sample: true, temperature: 0.8, top_p: 0.95, max_new_tokens: 24 };
}

/**
 * Random weights in Hugging Face Llama names and layouts (linear W: [out, in]). Embeddings are N(0, 1) and
 * linear weights N(0, 1/in), so activations stay near unit size and the logits are peaked enough to vary.
 */
export function randomWeights(seed = SEED): Record<string, TensorToWrite> {
  const random = new Rng(seed);
  const normal = (shape: number[], std: number): TensorToWrite => {
    const data = new Float32Array(shape[0] * (shape[1] ?? 1));
    for (let i = 0; i < data.length; i++) data[i] = random.normal() * std;
    return { shape, data };
  };
  const linear = (out: number, inputs: number) => normal([out, inputs], 1 / Math.sqrt(inputs));
  const ones = (n: number): TensorToWrite => ({ shape: [n], data: new Float32Array(n).fill(1) });
  const { hidden, intermediate, kvHeads, vocab } = SHAPE;
  const tensors: Record<string, TensorToWrite> = { 'model.embed_tokens.weight': normal([vocab, hidden], 1) };
  for (let layer = 0; layer < SHAPE.layers; layer++) {
    const p = `model.layers.${layer}`;
    tensors[`${p}.input_layernorm.weight`] = ones(hidden);
    tensors[`${p}.self_attn.q_proj.weight`] = linear(hidden, hidden); // [heads·headDim, hidden]
    tensors[`${p}.self_attn.k_proj.weight`] = linear(kvHeads * HEAD_DIM, hidden);
    tensors[`${p}.self_attn.v_proj.weight`] = linear(kvHeads * HEAD_DIM, hidden);
    tensors[`${p}.self_attn.o_proj.weight`] = linear(hidden, hidden);
    tensors[`${p}.post_attention_layernorm.weight`] = ones(hidden);
    tensors[`${p}.mlp.gate_proj.weight`] = linear(intermediate, hidden);
    tensors[`${p}.mlp.up_proj.weight`] = linear(intermediate, hidden);
    tensors[`${p}.mlp.down_proj.weight`] = linear(hidden, intermediate);
  }
  tensors['model.norm.weight'] = ones(hidden);
  tensors['lm_head.weight'] = linear(vocab, hidden);
  return tensors;
}

/** Every file of the bundled model, by name. */
export function bundledModelFiles(): Record<string, Uint8Array> {
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  return {
    'config.json': json(configJson()),
    'generation_config.json': json(generationConfigJson()),
    'tokenizer.json': json(tokenizerJson()),
    'tokenizer_config.json': json(tokenizerConfigJson()),
    'model.safetensors': writeSafetensors(randomWeights(), { format: 'pt', note: `untrained, seeded random weights (seed ${SEED})` }),
  };
}

function main(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  let total = 0;
  for (const [name, bytes] of Object.entries(bundledModelFiles())) {
    writeFileSync(join(outDir, name), bytes);
    total += bytes.length;
    console.log(`${join(outDir, name)}  ${bytes.length} bytes`);
  }
  console.log(`${total} bytes in all`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(resolve(process.argv[2] ?? BUNDLED_MODEL_DIR));
}
