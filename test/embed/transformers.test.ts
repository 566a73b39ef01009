// The real transformers.js feature-extraction pipeline (onnxruntime-node underneath) on an encoder the test
// writes, offline: no network, remote loading off.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';
import { clusterPool } from '../../src/cluster/cluster-pool.ts';
import { knowledgeText } from '../../src/cluster/knowledge-text.ts';
import { generateCurriculum } from '../../src/data/curriculum/index.ts';
import { devicesFor, transformersEmbedder, type EmbedLoadProgress, type TransformersEmbedder } from '../../src/embed/transformers.ts';
import { meanPoolNormalize, referenceForward, type EncoderWeights } from './onnx-encoder.ts';
import { writeTinyEncoder } from './tiny-encoder.ts';

const problems = generateCurriculum({ seed: 11, count: 2000, split: 'train' });
let root: string;
let weights: EncoderWeights;
let embedder: TransformersEmbedder;
const progress: EmbedLoadProgress[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sai-dpo-encoder-'));
  ({ weights } = await writeTinyEncoder(join(root, 'tiny-encoder'), { corpus: problems.slice(0, 300).map(knowledgeText), seed: 5 }));
  embedder = await transformersEmbedder({ model: 'tiny-encoder', localModelPath: root, device: 'wasm', onProgress: (p) => progress.push(p) });
});

afterAll(async () => {
  await embedder?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('transformersEmbedder', () => {
  it('loads a local folder with remote loading off and reports its files', () => {
    expect(env.allowRemoteModels).toBe(false);
    expect(embedder.dim).toBe(32);
    expect(embedder.device).toBe('cpu'); // 'wasm' in Node is onnxruntime-node's CPU provider
    expect(embedder.name).toBe('tiny-encoder');
    const files = new Set(progress.filter((p) => p.phase === 'download').map((p) => p.file));
    expect(files).toEqual(new Set(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']));
    expect(progress.at(-1)).toEqual({ phase: 'ready', loaded: 1, total: 1 });
  });

  it('computes mean pooling over the attention mask and L2 normalization of the encoder, as the reference does', async () => {
    const texts = ['percent.basic; ratio.basic', 'What is 35% of 1140?', 'geometry.perimeter-area; geometry.triangles'];
    const vectors = await embedder.embed(texts); // one padded batch: the mask must keep padding out
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-encoder');
    for (const [i, text] of texts.entries()) {
      const encoded = tokenizer(text) as unknown as { input_ids: { data: BigInt64Array }; token_type_ids: { data: BigInt64Array } };
      const ids = Array.from(encoded.input_ids.data, Number);
      const types = Array.from(encoded.token_type_ids.data, Number);
      const mask = ids.map(() => 1);
      const expected = meanPoolNormalize(referenceForward(weights, ids, mask, types), mask);
      for (let d = 0; d < weights.hidden; d++) expect(vectors[i][d]).toBeCloseTo(expected[d], 4);
      expect(vectors[i].reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    }
    const [alone] = await embedder.embed([texts[0]]);
    for (let d = 0; d < weights.hidden; d++) expect(alone[d]).toBeCloseTo(vectors[0][d], 5);
  });

  it('clusters the curriculum by knowledge point (ARI reported)', async () => {
    const result = await clusterPool(problems, embedder, { seed: 1 });
    const generators = problems.map((p) => String(p.meta!.generator));
    const tagSets = problems.map((p) => p.knowledge_points!.join('|'));
    const report = { k: result.k, ariGenerators: adjustedRandIndex(result.assignments, generators), ariTagSets: adjustedRandIndex(result.assignments, tagSets) };
    console.log(`transformers.js embedder (test encoder, random weights) ARI on the curriculum (2000 problems): ${JSON.stringify(report)}`);
    expect(report.ariTagSets).toBeGreaterThanOrEqual(0.6);
  });

  it('names the model and the folder when it is missing, without going online', async () => {
    await expect(transformersEmbedder({ model: 'no-such-model', localModelPath: root, device: 'wasm' })).rejects.toThrow(/could not load "no-such-model" \(cpu: .*no-such-model/);
  });

  it('explains bad options', async () => {
    await expect(transformersEmbedder({ model: ' ' })).rejects.toThrow('transformersEmbedder: model is required');
    await expect(transformersEmbedder({ model: 'x', batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(devicesFor('gpu' as 'auto')).rejects.toThrow(/device must be "webgpu", "wasm" or "auto", got "gpu"/);
  });
});

describe('devicesFor', () => {
  it('maps the requested device to execution providers to try, in order', async () => {
    expect(await devicesFor('auto', true)).toEqual(['cpu']);
    expect(await devicesFor('wasm', true)).toEqual(['cpu']);
    expect(await devicesFor('webgpu', true)).toEqual(['webgpu']);
    expect(await devicesFor('wasm', false)).toEqual(['wasm']);
    // a browser without navigator.gpu (Node has none) falls back to wasm
    expect(await devicesFor('auto', false)).toEqual(['wasm']);
  });
});
