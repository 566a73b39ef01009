import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedWeightShapes } from '../../../src/engine/files/weight-names.ts';
import { TINY_TOKENIZER_SIZE, seededNormal, writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';

const base: TinyModelOptions = { arch: 'qwen2', hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64, seed: 5 };

function stats(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

describe('writeTinyModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiny-model-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a complete Hugging Face folder whose weights match the config', async () => {
    const { config, tensors } = await writeTinyModel(join(dir, 'a'), base);
    expect((await readdir(join(dir, 'a'))).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(config).toMatchObject({ architecture: 'qwen2', hiddenSize: 32, headDim: 8, vocabSize: 128, tieWordEmbeddings: true, attentionBias: true });
    const shapes = expectedWeightShapes(config);
    expect([...tensors.keys()]).toEqual([...shapes.keys()]);
    expect(tensors.has('model.layers.1.self_attn.k_proj.bias')).toBe(true);
    for (const [name, shape] of shapes) expect(tensors.get(name)!.length).toBe(shape.reduce((a, b) => a * b, 1));
  });

  it('is deterministic in the seed', async () => {
    await writeTinyModel(join(dir, 'b1'), base);
    await writeTinyModel(join(dir, 'b2'), base);
    await writeTinyModel(join(dir, 'b3'), { ...base, seed: 6 });
    const bytes = (d: string) => readFile(join(dir, d, 'model.safetensors'));
    expect((await bytes('b1')).equals(await bytes('b2'))).toBe(true);
    expect((await bytes('b1')).equals(await bytes('b3'))).toBe(false);
  });

  it('scales weights so activations stay sane: norms near 1, small projections and biases', async () => {
    const { tensors } = await writeTinyModel(join(dir, 'c'), { ...base, hidden: 64, intermediate: 128 });
    const norm = stats(tensors.get('model.layers.0.input_layernorm.weight')!);
    expect(Math.abs(norm.mean - 1)).toBeLessThan(0.03);
    expect(norm.std).toBeGreaterThan(0.02);
    expect(norm.std).toBeLessThan(0.1);
    const q = stats(tensors.get('model.layers.0.self_attn.q_proj.weight')!);
    expect(Math.abs(q.mean)).toBeLessThan(0.01);
    expect(Math.abs(q.std - 0.08) / 0.08).toBeLessThan(0.05); // 4096 samples: the std is within a few %
    expect(stats(tensors.get('model.layers.0.self_attn.q_proj.bias')!).std).toBeLessThan(0.04);
    expect(Math.abs(stats(tensors.get('model.embed_tokens.weight')!).std - 0.3)).toBeLessThan(0.02);
  });

  it('untied Llama with head_dim, attention biases and shards', async () => {
    const { config, tensors } = await writeTinyModel(join(dir, 'd'), { ...base, arch: 'llama', headDim: 12, tie: false, attentionBias: true, shards: 2 });
    expect(config).toMatchObject({ architecture: 'llama', headDim: 12, tieWordEmbeddings: false, attentionBias: true, oProjBias: true });
    expect(tensors.get('model.layers.0.self_attn.q_proj.weight')!.length).toBe(4 * 12 * 32);
    expect(tensors.has('lm_head.weight')).toBe(true);
    expect(tensors.has('model.layers.0.self_attn.o_proj.bias')).toBe(true);
    const index = JSON.parse(await readFile(join(dir, 'd', 'model.safetensors.index.json'), 'utf8'));
    expect(new Set(Object.values(index.weight_map))).toEqual(new Set(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']));
  });

  it('refuses a vocabulary smaller than its tokenizer', async () => {
    await expect(writeTinyModel(join(dir, 'e'), { ...base, vocab: 64 })).rejects.toThrow(`vocab 64 is smaller than the character tokenizer (${TINY_TOKENIZER_SIZE} tokens)`);
  });

  it('seededNormal has mean 0 and std 1', () => {
    const normal = seededNormal(42);
    const values = new Float32Array(20000).map(() => normal());
    const { mean, std } = stats(values);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });
});
