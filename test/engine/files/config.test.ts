import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, parseGenerationConfig } from '../../../src/engine/files/config.ts';

const FIXTURE = 'test/fixtures/torch-reference/qwen2-fixture-f32/config.json';

const llama = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 160,
  num_hidden_layers: 3,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  vocab_size: 300,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  max_position_embeddings: 2048,
  tie_word_embeddings: true,
  hidden_act: 'silu',
  bos_token_id: 1,
  eos_token_id: 2,
  rope_scaling: null,
};
const text = (overrides: Record<string, unknown>) => JSON.stringify({ ...llama, ...overrides });

describe('parseConfig', () => {
  it('reads the torch fixture (Qwen2, tied, GQA, q/k/v biases)', () => {
    const config = parseConfig(readFileSync(FIXTURE, 'utf8'));
    expect(config).toMatchObject({
      architecture: 'qwen2', hiddenSize: 24, intermediateSize: 40, numLayers: 2, numHeads: 3, numKvHeads: 1, headDim: 8,
      vocabSize: 50, rmsNormEps: 1e-6, ropeTheta: 10000, maxPositionEmbeddings: 512, tieWordEmbeddings: true,
      attentionBias: true, oProjBias: false, mlpBias: false, bosTokenId: 1, eosTokenIds: [2],
    });
    expect(config.raw.torch_dtype).toBe('float32');
  });

  it('reads a Llama config with an explicit head_dim, eos list and attention_bias', () => {
    const config = parseConfig(text({ head_dim: 16, eos_token_id: [2, 7, 2], attention_bias: true, tie_word_embeddings: false }));
    expect(config).toMatchObject({ architecture: 'llama', headDim: 16, eosTokenIds: [2, 7], attentionBias: true, oProjBias: true, tieWordEmbeddings: false });
    expect(parseConfig(text({})).headDim).toBe(8);
    expect(parseConfig(text({})).attentionBias).toBe(false);
  });

  it('applies transformers defaults for fields left out', () => {
    const { num_key_value_heads, rms_norm_eps, rope_theta, tie_word_embeddings, bos_token_id, eos_token_id, architectures, ...minimal } = llama;
    const config = parseConfig(JSON.stringify(minimal));
    expect(config).toMatchObject({ numKvHeads: 8, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: false, bosTokenId: null, eosTokenIds: [] });
  });

  it('names the file, line and column of a JSON syntax error', () => {
    expect(() => parseConfig('{\n  "hidden_size": 64,\n  oops\n}')).toThrow(/^config\.json: not valid JSON at line 3, column 3|^config\.json: not valid JSON.*line 3 column 3/);
    expect(() => parseConfig('[1, 2]')).toThrow('config.json: expected a JSON object, got an array');
    expect(() => parseConfig('{}', 'models/x/config.json')).toThrow(/^models\/x\/config\.json: needs architectures/);
  });

  it('names the field that is wrong', () => {
    expect(() => parseConfig(text({ num_key_value_heads: 3 }))).toThrow('config.json: num_key_value_heads (3) must divide num_attention_heads (8)');
    expect(() => parseConfig(text({ hidden_size: '64' }))).toThrow('config.json: hidden_size must be a positive integer; got "64" (a string)');
    expect(() => parseConfig(text({ intermediate_size: undefined }))).toThrow('config.json: intermediate_size must be a positive integer; it is missing');
    expect(() => parseConfig(text({ hidden_size: 60 }))).toThrow(/num_attention_heads \(8\) must divide hidden_size \(60\) when head_dim is not given/);
    expect(() => parseConfig(text({ tie_word_embeddings: 'yes' }))).toThrow(/tie_word_embeddings must be true or false/);
    expect(() => parseConfig(text({ eos_token_id: [2, -1] }))).toThrow(/eos_token_id must be a token id or an array of token ids/);
    expect(() => parseConfig(text({ rms_norm_eps: 0 }))).toThrow(/rms_norm_eps must be a positive number/);
  });

  it('refuses unsupported architectures and options, naming the field', () => {
    expect(() => parseConfig(text({ architectures: ['MistralForCausalLM'] }))).toThrow(
      'config.json: architectures: MistralForCausalLM is not supported (supported: LlamaForCausalLM, Qwen2ForCausalLM)',
    );
    expect(() => parseConfig(text({ architectures: undefined, model_type: 'gpt2' }))).toThrow(/model_type: "gpt2" is not supported/);
    expect(() => parseConfig(text({ rope_scaling: { rope_type: 'llama3', factor: 8 } }))).toThrow(/config\.json: rope_scaling: "llama3" is not supported/);
    expect(() => parseConfig(text({ rope_scaling: { type: 'linear', factor: 2 } }))).toThrow(/rope_scaling: "linear" is not supported/);
    expect(() => parseConfig(text({ hidden_act: 'gelu' }))).toThrow('config.json: hidden_act: "gelu" is not supported (only "silu")');
    expect(() => parseConfig(text({ architectures: ['Qwen2ForCausalLM'], use_sliding_window: true }))).toThrow(/use_sliding_window/);
    expect(parseConfig(text({ rope_scaling: { rope_type: 'default' } })).architecture).toBe('llama');
  });
});

describe('parseGenerationConfig', () => {
  it('reads the fields present and nothing else', () => {
    const g = parseGenerationConfig(JSON.stringify({ eos_token_id: [151645, 151643], temperature: 0.7, top_p: 0.8, top_k: 20, do_sample: true, max_new_tokens: 64, transformers_version: '4.4' }));
    expect(g).toMatchObject({ eosTokenIds: [151645, 151643], temperature: 0.7, topP: 0.8, topK: 20, doSample: true, maxNewTokens: 64 });
    expect(parseGenerationConfig('{"eos_token_id": 2}')).toEqual({ eosTokenIds: [2], raw: { eos_token_id: 2 } });
  });

  it('names the file and field of bad values', () => {
    expect(() => parseGenerationConfig('{"top_p": 1.5}')).toThrow('generation_config.json: top_p must be in (0, 1]; got 1.5');
    expect(() => parseGenerationConfig('{"temperature": "hot"}')).toThrow(/generation_config\.json: temperature must be a number/);
    expect(() => parseGenerationConfig('{"max_new_tokens": 0}')).toThrow(/generation_config\.json: max_new_tokens must be a positive integer/);
    expect(() => parseGenerationConfig('{')).toThrow(/^generation_config\.json: not valid JSON/);
  });
});
