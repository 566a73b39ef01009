import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWeights, readCheckpoint, type CheckpointProgress, type CheckpointTensor } from '../../../src/engine/files/checkpoint.ts';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { f32ToBf16, bf16ToF32 } from '../../../src/engine/files/half-floats.ts';
import { SafetensorsFile, writeSafetensors } from '../../../src/engine/files/safetensors.ts';
import { memorySource, nodeSource, urlSource, type ModelSource } from '../../../src/engine/files/source.ts';
import { expectedWeightShapes } from '../../../src/engine/files/weight-names.ts';
import { writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';
import { serveFolders } from './serve-folder.ts';

const FIXTURES = 'test/fixtures/torch-reference';

async function collect(source: ModelSource, options?: Parameters<typeof readCheckpoint>[2], progress?: CheckpointProgress[]): Promise<CheckpointTensor[]> {
  const out: CheckpointTensor[] = [];
  for await (const t of readCheckpoint(source, (p) => progress?.push(p), options)) out.push(t);
  return out;
}

const small: TinyModelOptions = { arch: 'llama', hidden: 16, layers: 2, heads: 4, kvHeads: 2, intermediate: 24, seed: 7 };

describe('readCheckpoint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'checkpoint-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    for (const shards of [1, 3]) {
      it(`streams a ${dtype} checkpoint in ${shards} file(s), every tensor as written`, async () => {
        const folder = join(dir, `${dtype}-${shards}`);
        const { config, tensors } = await writeTinyModel(folder, { ...small, dtype, shards, tie: false });
        const progress: CheckpointProgress[] = [];
        const read = await collect(nodeSource(folder), { config }, progress);
        expect(read.map((t) => t.name)).toEqual([...expectedWeightShapes(config).keys()]);
        for (const t of read) {
          expect(t.dtype).toBe(dtype);
          expect(t.shape).toEqual(expectedWeightShapes(config).get(t.name));
          expect(t.data).toEqual(tensors.get(t.name));
        }
        const files = [...new Set(progress.map((p) => p.file))];
        expect(files.length).toBe(shards);
        if (shards > 1) expect(files[0]).toBe('model-00001-of-00003.safetensors');
      });
    }
  }

  it('loads the torch fixture in f32 and bf16; the bf16 values convert exactly', async () => {
    const config = parseConfig(await readFile(`${FIXTURES}/qwen2-fixture-f32/config.json`, 'utf8'));
    const f32 = await collect(nodeSource(`${FIXTURES}/qwen2-fixture-f32`), { config });
    const bf16 = await collect(nodeSource(`${FIXTURES}/qwen2-fixture-bf16`), { config });
    expect(f32.length).toBe(expectedWeightShapes(config).size); // tied: no lm_head
    expect(bf16.map((t) => t.name)).toEqual(f32.map((t) => t.name));
    let compared = 0;
    for (let i = 0; i < f32.length; i++) {
      expect(bf16[i].dtype).toBe('BF16');
      // bf16 → f32 is a bit shift: every loaded value must be an exact bf16 value…
      const bits = new Uint32Array(bf16[i].data.buffer);
      expect(bits.every((b) => (b & 0xffff) === 0)).toBe(true);
      // …and the fixture's bf16 weights are its f32 weights with the low 16 bits dropped (rounded
      // toward zero, not to nearest even): the exact conversion gives back exactly those values.
      const truncated = new Float32Array(new Uint32Array(f32[i].data.buffer).map((b) => b & 0xffff0000).buffer);
      expect(bf16[i].data).toEqual(truncated);
      expect(bf16ToF32(f32ToBf16(bf16[i].data))).toEqual(bf16[i].data); // and re-encoding them is lossless
      compared += f32[i].data.length;
    }
    expect(compared).toBe(10232);
  });

  it('streams over HTTP with progress per file', async () => {
    const folder = join(dir, 'served');
    const { config, tensors } = await writeTinyModel(folder, { ...small, arch: 'qwen2', shards: 2 });
    const server = await serveFolders({ '/m/': folder });
    try {
      const progress: CheckpointProgress[] = [];
      const read = await collect(urlSource(`${server.url}/m/`, { cache: 'none' }), { config }, progress);
      expect(read.length).toBe(tensors.size);
      for (const t of read) expect(t.data).toEqual(tensors.get(t.name));
      const last = progress.filter((p) => p.file === 'model-00002-of-00002.safetensors').at(-1)!;
      expect(last.loaded).toBe(last.total);
    } finally {
      await server.close();
    }
  });
});

describe('checkpoint bad input', () => {
  const config = parseConfig(JSON.stringify({
    architectures: ['Qwen2ForCausalLM'], hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1,
    num_attention_heads: 2, num_key_value_heads: 1, vocab_size: 10, tie_word_embeddings: true,
  }));
  const weights = () => {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, shape] of expectedWeightShapes(config)) out[name] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
    return out;
  };
  const folder = (files: Record<string, Uint8Array | string>) =>
    memorySource(new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v])), 'models/bad');

  it('a folder without weights', async () => {
    await expect(collect(folder({}))).rejects.toThrow('models/bad: no model.safetensors or model.safetensors.index.json: not a safetensors model folder');
  });

  it('a tensor with the wrong shape names file, tensor, expected and actual shape', async () => {
    const w = weights();
    w['model.layers.0.self_attn.k_proj.weight'] = { shape: [8, 8], data: new Float32Array(64) };
    await expect(collect(folder({ 'model.safetensors': writeSafetensors(w) }), { config })).rejects.toThrow(
      'model.safetensors: tensor model.layers.0.self_attn.k_proj.weight has shape [8, 8] but the config expects [4, 8]',
    );
  });

  it('a missing tensor (Qwen2 q/k/v bias)', async () => {
    const w = weights();
    delete w['model.layers.0.self_attn.v_proj.bias'];
    await expect(collect(folder({ 'model.safetensors': writeSafetensors(w) }), { config })).rejects.toThrow(
      'model.safetensors: tensor model.layers.0.self_attn.v_proj.bias is missing (expected shape [4])',
    );
  });

  it('tensors the config does not use (a config with fewer layers than the weights) are an error naming them', async () => {
    const w = weights();
    const extra = { ...w, 'model.layers.1.mlp.down_proj.weight': w['model.layers.0.mlp.down_proj.weight'], 'model.layers.1.input_layernorm.weight': w['model.norm.weight'] };
    await expect(collect(folder({ 'model.safetensors': writeSafetensors(extra) }), { config })).rejects.toThrow(
      'model.safetensors: tensor model.layers.1.mlp.down_proj.weight is not used by the model (config.json: 1 layers); ' +
      'tensor model.layers.1.input_layernorm.weight is not used by the model (config.json: 1 layers)',
    );
    const index = { weight_map: Object.fromEntries(Object.keys(extra).map((n) => [n, 'model-1.safetensors'])) };
    await expect(collect(folder({ 'model.safetensors.index.json': JSON.stringify(index), 'model-1.safetensors': writeSafetensors(extra) }), { config }))
      .rejects.toThrow(/^model\.safetensors\.index\.json: tensor model\.layers\.1\.mlp\.down_proj\.weight is not used/);
  });

  it('rotary caches and a tied duplicate of lm_head are dropped with a warning that names them', async () => {
    const w = weights();
    const extra = { ...w, 'model.layers.0.self_attn.rotary_emb.inv_freq': { shape: [2], data: new Float32Array(2) }, 'lm_head.weight': w['model.embed_tokens.weight'] };
    const warnings: string[] = [];
    const read = await collect(folder({ 'model.safetensors': writeSafetensors(extra) }), { config, onWarning: (m) => warnings.push(m) });
    expect(read.map((t) => t.name).sort()).toEqual(Object.keys(w).sort());
    expect(warnings).toEqual(['model.safetensors: ignoring tensors the model does not use: model.layers.0.self_attn.rotary_emb.inv_freq, lm_head.weight (tied to model.embed_tokens.weight)']);
  });

  it('an untied model without lm_head', () => {
    const untied = { ...config, tieWordEmbeddings: false };
    const shapes = new Map(Object.entries(weights()).map(([k, v]) => [k, v.shape]));
    expect(() => checkWeights(untied, shapes)).toThrow('model.safetensors: tensor lm_head.weight is missing (expected shape [10, 8])');
    expect(() => checkWeights(config, shapes)).not.toThrow();
  });

  it('an unsupported dtype in a weight', async () => {
    const good = writeSafetensors(weights());
    const file = SafetensorsFile.parse(good, 'x');
    // Re-label model.norm.weight (8 f32 = 32 bytes) as 32 U8 values: same bytes, integer dtype.
    const header: Record<string, unknown> = {};
    for (const t of file.tensors.values()) {
      header[t.name] = t.name === 'model.norm.weight' ? { dtype: 'U8', shape: [32], data_offsets: [t.begin, t.end] } : { dtype: t.dtype, shape: t.shape, data_offsets: [t.begin, t.end] };
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const data = good.subarray(good.length - dataLength(file));
    const bytes = new Uint8Array(8 + json.length + data.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    bytes.set(data, 8 + json.length);
    await expect(collect(folder({ 'model.safetensors': bytes }), { config })).rejects.toThrow(/model\.safetensors: tensor model\.norm\.weight has shape \[32\] but the config expects \[8\]/);
    await expect(collect(folder({ 'model.safetensors': bytes }))).rejects.toThrow(/model\.safetensors: tensor model\.norm\.weight has dtype U8, which cannot be loaded as weights/);
  });

  it('a sharded index that lists a tensor its shard lacks, or a shard that is missing', async () => {
    const w = weights();
    const names = Object.keys(w);
    const index = { weight_map: Object.fromEntries(names.map((n) => [n, 'model-1.safetensors'])) };
    const partial = { ...w };
    delete partial['model.norm.weight'];
    await expect(collect(folder({ 'model.safetensors.index.json': JSON.stringify(index), 'model-1.safetensors': writeSafetensors(partial) }))).rejects.toThrow(
      'model-1.safetensors: tensor model.norm.weight is listed in model.safetensors.index.json but not in this file',
    );
    await expect(collect(folder({ 'model.safetensors.index.json': JSON.stringify(index) }))).rejects.toThrow('models/bad/model-1.safetensors: not found');
    const incomplete = { weight_map: Object.fromEntries(names.slice(1).map((n) => [n, 'model-1.safetensors'])) };
    await expect(collect(folder({ 'model.safetensors.index.json': JSON.stringify(incomplete) }), { config })).rejects.toThrow(
      'model.safetensors.index.json: tensor model.embed_tokens.weight is missing (expected shape [10, 8])',
    );
    await expect(collect(folder({ 'model.safetensors.index.json': '{"weight_map": {"a": 3}}' }))).rejects.toThrow(
      'model.safetensors.index.json: weight_map.a must name a .safetensors file, got 3',
    );
  });
});

function dataLength(file: SafetensorsFile): number {
  let end = 0;
  for (const t of file.tensors.values()) end = Math.max(end, t.end);
  return end;
}
