// The GPU decoder against the plain TypeScript reference model and the PyTorch fixture.
// Tolerances: both sides accumulate in f32 (GPU) or f64 (reference) with different summation orders;
// for these tiny models (hidden ≤ 48, |logits| ≲ 10) f32 rounding over a few hundred terms per
// output stays below 1e-5 relative, so 1e-4 absolute on logits leaves a wide margin while still
// catching any wrong index, scale or missing term (which show up at 1e-2 or more).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedWeightShapes } from '../../../src/engine/files/weight-names.ts';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadTokenizer } from '../../../src/engine/files/tokenizer.ts';
import { GpuModel } from '../../../src/engine/model/gpu-model.ts';
import { attachLora, uploadCheckpoint } from '../../../src/engine/model/gpu-weights.ts';
import { loadModel } from '../../../src/engine/model/index.ts';
import { linearShape } from '../../../src/engine/files/weight-names.ts';
import { referenceForward, referenceLogprob, type ReferenceWeights } from '../../../src/engine/reference/model.ts';
import type { WeightDtype } from '../../../src/engine/weights.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';
import { generationCases, type GenerationFixture } from './generation-cases.ts';

const FIXTURES = join(__dirname, '../../fixtures/torch-reference');

interface Tiny {
  dir: string;
  weights: ReferenceWeights;
}

const tinies = new Map<string, Promise<Tiny>>();

function tiny(name: string, options: TinyModelOptions): Promise<Tiny> {
  let t = tinies.get(name);
  if (!t) {
    t = (async () => {
      const dir = await mkdtemp(join(tmpdir(), `gpu-model-${name}-`));
      const m = await writeTinyModel(dir, options);
      return { dir, weights: { config: m.config, tensors: m.tensors } };
    })();
    tinies.set(name, t);
  }
  return t;
}

// Llama-shaped: untied, GQA (4 heads over 2 kv heads), head_dim 12 ≠ hidden / heads = 8
const LLAMA: TinyModelOptions = { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 21 };
// Qwen2-shaped: tied, q/k/v biases, 6 heads over 2 kv heads
const QWEN2: TinyModelOptions = { arch: 'qwen2', hidden: 48, layers: 2, heads: 6, kvHeads: 2, intermediate: 64, tie: true, seed: 22 };

async function gpuModel(t: Tiny, dtype: WeightDtype = 'f32'): Promise<GpuModel> {
  const rt = await testRuntime();
  const c = t.weights.config as GpuModel['config'];
  const shapes = expectedWeightShapes(c);
  const stream = [...t.weights.tensors].map(([name, data]) => ({ name, shape: shapes.get(name)!, data }));
  return new GpuModel(rt, c, await uploadCheckpoint(rt, c, dtype, stream));
}

/** Logits of every position of one sequence from a single GPU forward pass.  → [T, V] */
async function gpuLogits(model: GpuModel, tokens: number[]): Promise<Float32Array> {
  const cache = model.newCache(1, tokens.length);
  const hidden = model.recordForward(cache, tokens, [0], 1, tokens.length);
  const logits = model.recordHead(hidden, tokens.map((_, i) => i));
  const out = await model.rt.readTensor(logits);
  model.rt.release(hidden);
  model.rt.release(logits);
  cache.dispose();
  return out;
}

const TOKENS = [1, 40, 52, 77, 3, 90, 41, 41, 100, 7, 64];

describe('GPU forward vs the reference model', () => {
  for (const [name, options] of [['llama', LLAMA], ['qwen2', QWEN2]] as const) {
    it(`${name}: logits of every position`, async () => {
      const t = await tiny(name, options);
      const model = await gpuModel(t);
      const got = await gpuLogits(model, TOKENS);
      const { logits } = referenceForward(t.weights, TOKENS);
      const err = maxAbsDiff(got, logits);
      console.log(`${name} forward: max |logit error| ${err.toExponential(2)} over ${logits.length} logits`);
      expect(err).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('LoRA on every linear module (q/k/v/o and gate/up/down) matches the reference', async () => {
    const t = await tiny('llama', LLAMA);
    const c = t.weights.config;
    const r = 3;
    const modules = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
    const layers = [];
    let seed = 100;
    for (let layer = 0; layer < c.numLayers; layer++) {
      for (const module of modules) {
        const [inF, outF] = linearShape(c, module);
        layers.push({ layer, module, A: randomArray(r * inF, seed++, -0.2, 0.2), B: randomArray(outF * r, seed++, -0.2, 0.2) });
      }
    }
    const lora = { config: { r, alpha: 6 }, layers };
    const model = await gpuModel(t);
    attachLora(model.rt, c as GpuModel['config'], model.weights, lora);
    const got = await gpuLogits(model, TOKENS);
    const withLora = referenceForward({ ...t.weights, lora }, TOKENS).logits;
    const without = referenceForward(t.weights, TOKENS).logits;
    const err = maxAbsDiff(got, withLora);
    console.log(`LoRA on all modules: max |logit error| ${err.toExponential(2)} (the adapter moves logits by ${maxAbsDiff(withLora, without).toExponential(2)})`);
    expect(maxAbsDiff(withLora, without)).toBeGreaterThan(1e-2);
    expect(err).toBeLessThan(1e-4);
    model.dispose();
  });

  it('KV-cache decoding gives the logits of a full recompute', async () => {
    const t = await tiny('llama', LLAMA);
    const model = await gpuModel(t);
    const full = await gpuLogits(model, TOKENS);
    const V = t.weights.config.vocabSize;
    const prefix = 4;
    // two copies of the prompt exercise the prefill-once-then-copy path
    const session = await model.start([TOKENS.slice(0, prefix)], 2, TOKENS.length);
    let err = maxAbsDiff(session.promptLogits, full.subarray((prefix - 1) * V, prefix * V));
    let rows = 2;
    for (let p = prefix; p < TOKENS.length; p++) {
      const step = await session.step(new Array<number>(rows).fill(TOKENS[p]));
      expect(step.length).toBe(rows * V);
      const expected = full.subarray(p * V, (p + 1) * V);
      for (let r = 0; r < rows; r++) err = Math.max(err, maxAbsDiff(step.subarray(r * V, (r + 1) * V), expected));
      if (p === prefix + 2) {
        session.keep([1]); // drop row 0: row 1's cache moves into its place
        rows = 1;
      }
    }
    session.dispose();
    console.log(`KV-cache decode vs full recompute: max |logit error| ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    model.dispose();
  });

  it('dropping a finished row moves the next row\'s cache into its place', async () => {
    const t = await tiny('llama', LLAMA);
    const model = await gpuModel(t);
    const V = t.weights.config.vocabSize;
    const other = [1, 90, 91, 92, 93, 94, 95, 96, 97];
    const fullA = await gpuLogits(model, TOKENS);
    const fullB = await gpuLogits(model, other);
    const session = await model.start([TOKENS.slice(0, 5), other.slice(0, 3)], 1, 12);
    let err = Math.max(
      maxAbsDiff(session.promptLogits.subarray(0, V), fullA.subarray(4 * V, 5 * V)),
      maxAbsDiff(session.promptLogits.subarray(V), fullB.subarray(2 * V, 3 * V)),
    );
    const both = await session.step([TOKENS[5], other[3]]);
    err = Math.max(err, maxAbsDiff(both.subarray(0, V), fullA.subarray(5 * V, 6 * V)), maxAbsDiff(both.subarray(V), fullB.subarray(3 * V, 4 * V)));
    session.keep([1]);
    for (let p = 4; p < other.length; p++) {
      const step = await session.step([other[p]]);
      err = Math.max(err, maxAbsDiff(step, fullB.subarray(p * V, (p + 1) * V)));
    }
    session.dispose();
    console.log(`rows of different lengths, compacted: max |logit error| ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    model.dispose();
  });

  it('batched log-probs equal one-by-one and the reference', async () => {
    const t = await tiny('qwen2', QWEN2);
    const model = await gpuModel(t);
    const items = [
      { promptIds: [1, 40, 41], responseIds: [50, 51, 52, 53, 2] },
      { promptIds: [1, 60, 61, 62, 63, 64, 65], responseIds: [70] },
      { promptIds: [1], responseIds: [80, 81, 82] },
      { promptIds: [1, 90], responseIds: [] },
    ];
    const batched = await model.logprobs(items);
    for (const [i, it] of items.entries()) {
      const [alone] = await model.logprobs([it]);
      const ref = referenceLogprob(t.weights, it.promptIds, it.responseIds);
      expect(batched[i].tokens).toBe(it.responseIds.length);
      expect(Math.abs(batched[i].logprob - alone.logprob)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref)));
      expect(Math.abs(batched[i].logprob - ref)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref)));
    }
    model.dispose();
  });
});

describe('work split to fit buffer limits', () => {
  it('log-probs and prompt logits are the same when forward passes and logit blocks are cut small', async () => {
    const t = await tiny('qwen2', QWEN2);
    const model = await gpuModel(t);
    // the same model, allowed only 9 token rows per forward pass and 2 logit rows per block
    const small: GpuModel = Object.assign(Object.create(model) as GpuModel, { activationRows: () => 9, headRows: () => 2 });
    const items = [
      { promptIds: [1, 40, 41], responseIds: [50, 51, 52, 53, 2] },
      { promptIds: [1, 60, 61, 62, 63, 64, 65], responseIds: [70] },
      { promptIds: [1], responseIds: [80, 81, 82] },
      { promptIds: [1, 90, 91], responseIds: [3, 4] },
    ];
    const whole = await model.logprobs(items);
    const split = await small.logprobs(items);
    split.forEach((s, i) => expect(Math.abs(s.logprob - whole[i].logprob)).toBeLessThanOrEqual(1e-5 * Math.abs(whole[i].logprob)));
    const prompts = items.map((it) => it.promptIds.concat(it.responseIds));
    const a = await model.start(prompts, 2, 20);
    const b = await small.start(prompts, 2, 20);
    const err = maxAbsDiff(a.promptLogits, b.promptLogits);
    const stepA = await a.step(new Array<number>(8).fill(5));
    const stepB = await b.step(new Array<number>(8).fill(5));
    a.dispose();
    b.dispose();
    expect(err).toBeLessThan(1e-5);
    expect(maxAbsDiff(stepA, stepB)).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('the PyTorch fixture through loadModel', () => {
  for (const folder of ['qwen2-fixture-f32', 'qwen2-fixture-bf16']) {
    it(`${folder}: log-probs with and without the adapter match PyTorch to 2e-6 relative`, async () => {
      const dir = join(FIXTURES, folder);
      const items = readFileSync(join(dir, 'logprob_inputs.jsonl'), 'utf8').trim().split('\n')
        .map((l) => JSON.parse(l)).map((r) => ({ promptIds: r.prompt_ids as number[], responseIds: r.response_ids as number[] }));
      const runtime = await testRuntime();
      for (const [adapter, file] of [[undefined, 'logprob_expected.json'], [nodeSource(join(dir, 'adapter')), 'logprob_expected_adapter.json']] as const) {
        const model = await loadModel(nodeSource(dir), { runtime, adapter });
        const got = await model.logprobs(items);
        const expected: number[] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
        const rel = Math.max(...got.map((g, i) => Math.abs(g.logprob - expected[i]) / Math.abs(expected[i])));
        console.log(`${folder} ${adapter ? 'with adapter' : 'base'}: max relative log-prob error ${rel.toExponential(2)}`);
        expect(rel).toBeLessThan(2e-6); // measured 8e-8 to 1.7e-7
        got.forEach((g, i) => expect(g.tokens).toBe(items[i].responseIds.length));
        model.dispose();
      }
    });
  }
});

describe('quantized weights', () => {
  it('q8 and q4 log-prob error vs f32 (reported; bounded loosely)', async () => {
    const t = await tiny('qwen2', QWEN2);
    const items = [
      { promptIds: [1, 40, 41, 42], responseIds: [50, 51, 52, 53, 54, 55, 56, 57] },
      { promptIds: [1, 60, 61], responseIds: [70, 71, 72, 73, 74, 75] },
    ];
    const f32 = await gpuModel(t, 'f32');
    const base = await f32.logprobs(items);
    f32.dispose();
    for (const [dtype, bound] of [['q8', 0.01], ['q4', 0.1]] as const) {
      const q = await gpuModel(t, dtype);
      const got = await q.logprobs(items);
      q.dispose();
      const rel = Math.max(...got.map((g, i) => Math.abs(g.logprob - base[i].logprob) / Math.abs(base[i].logprob)));
      const perToken = Math.max(...got.map((g, i) => Math.abs(g.logprob - base[i].logprob) / g.tokens));
      console.log(`${dtype}: max relative log-prob error vs f32 ${rel.toExponential(2)}, max per-token ${perToken.toExponential(2)} nats`);
      expect(rel).toBeLessThan(bound);
      expect(rel).toBeGreaterThan(0); // quantization really happened
    }
  });
});

let genFixture: Promise<GenerationFixture> | null = null;

describe('generation on the GPU decoder', () => {
  generationCases(() => {
    genFixture ??= (async () => {
      const t = await tiny('llama', LLAMA);
      const tokenizer = await loadTokenizer(nodeSource(t.dir), t.weights.config as GpuModel['config']);
      return { decoder: await gpuModel(t), weights: t.weights, decode: (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true }) };
    })();
    return genFixture;
  });
});
