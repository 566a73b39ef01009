// Stacked projections (fused.ts): q | k | v and gate | up as one product each in inference. The stacked and the
// per-module paths must give the same logits, before and after an adapter is attached and folded, for Llama
// (GQA, untied) and Qwen2 (q/k/v biases) shapes in every weight format; weights trained in place are never stacked.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedWeightShapes, linearShape } from '../../../src/engine/files/weight-names.ts';
import { stackedLinear } from '../../../src/engine/model/fused.ts';
import { GpuModel } from '../../../src/engine/model/gpu-model.ts';
import { attachLora, uploadCheckpoint, type GpuWeights } from '../../../src/engine/model/gpu-weights.ts';
import { referenceForward, type ReferenceLora } from '../../../src/engine/reference/model.ts';
import { foldAdapter } from '../../../src/engine/train/fold.ts';
import { TrainableModel } from '../../../src/engine/train/trainable.ts';
import type { WeightDtype } from '../../../src/engine/weights.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';

const LLAMA: TinyModelOptions = { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 31 };
const QWEN2: TinyModelOptions = { arch: 'qwen2', hidden: 48, layers: 2, heads: 6, kvHeads: 2, intermediate: 64, tie: true, seed: 32 };
const TOKENS = [1, 40, 52, 77, 3, 90, 41, 41, 100, 7, 64];

async function upload(options: TinyModelOptions, dtype: WeightDtype) {
  const rt = await testRuntime();
  const m = await writeTinyModel(await mkdtemp(join(tmpdir(), 'stacked-')), options);
  const c = m.config as GpuModel['config'];
  const shapes = expectedWeightShapes(c);
  const weights = await uploadCheckpoint(rt, c, dtype, [...m.tensors].map(([name, data]) => ({ name, shape: shapes.get(name)!, data })));
  return { rt, c, weights, reference: { config: m.config, tensors: m.tensors } };
}

/** Logits of every position of TOKENS in one forward pass, and the dispatches it recorded.  → [T, V] */
async function logits(model: GpuModel): Promise<{ values: Float32Array; dispatches: number }> {
  const rt = model.rt;
  const cache = model.newCache(1, TOKENS.length);
  const before = rt.dispatchCount;
  const hidden = model.recordForward(cache, TOKENS, [0], 1, TOKENS.length);
  const dispatches = rt.dispatchCount - before;
  const out = model.recordHead(hidden, TOKENS.map((_, i) => i));
  const values = await rt.readTensor(out);
  rt.release(hidden);
  rt.release(out);
  cache.dispose();
  return { values, dispatches };
}

function randomLora(c: GpuModel['config'], modules: readonly ('q_proj' | 'k_proj' | 'v_proj' | 'gate_proj' | 'up_proj')[], seed: number): ReferenceLora {
  const r = 2;
  const layers = [];
  for (let layer = 0; layer < c.numLayers; layer++) {
    for (const module of modules) {
      const [inF, outF] = linearShape(c, module);
      layers.push({ layer, module, A: randomArray(r * inF, seed++, -0.3, 0.3), B: randomArray(outF * r, seed++, -0.3, 0.3) });
    }
  }
  return { config: { r, alpha: 4 }, layers };
}

describe('stacked q/k/v and gate/up projections', () => {
  for (const [name, options] of [['llama', LLAMA], ['qwen2', QWEN2]] as const) {
    for (const dtype of ['f32', 'q8', 'q4'] as const) {
      it(`${name} ${dtype}: the same logits as one product per module, 4 dispatches fewer per layer`, async () => {
        const { rt, c, weights, reference } = await upload(options, dtype);
        const stacked = new GpuModel(rt, c, weights);
        const perModule = new GpuModel(rt, c, weights, { stackProjections: false });
        expect(stacked.stackProjections).toBe(true); // tiny models are under STACKED_MAX_BYTES
        const a = await logits(stacked);
        const b = await logits(perModule);
        const err = maxAbsDiff(a.values, b.values);
        console.log(`${name} ${dtype}: stacked vs per module max |logit diff| ${err.toExponential(2)}, dispatches ${a.dispatches} vs ${b.dispatches}`);
        // the same products in the same f32 order per output: equal up to rounding of the bias add (1e-5 is generous)
        expect(err).toBeLessThan(1e-5);
        // q, k, v, rope, rope → qkv, split-rope; gate, up, swiglu → gate|up, swiglu
        expect(b.dispatches - a.dispatches).toBe(4 * c.numLayers);
        if (dtype === 'f32') expect(maxAbsDiff(a.values, referenceForward(reference, TOKENS).logits)).toBeLessThan(1e-4);
        stacked.dispose();
      });
    }
  }

  it('modules with an adapter run one product each; after folding (f32 in place) the stack is made again from the new weights', async () => {
    const { rt, c, weights, reference } = await upload(LLAMA, 'f32');
    const stacked = new GpuModel(rt, c, weights);
    const perModule = new GpuModel(rt, c, weights, { stackProjections: false });
    const base = await logits(stacked); // makes the stacks from the base weights
    const lora = randomLora(c, ['q_proj', 'v_proj', 'up_proj'], 500);
    attachLora(rt, c, weights, lora);
    const expected = referenceForward({ ...reference, lora }, TOKENS).logits;
    expect(maxAbsDiff(expected, base.values)).toBeGreaterThan(1e-2); // the adapter matters
    const withAdapter = await logits(stacked);
    expect(withAdapter.dispatches).toBeGreaterThan(base.dispatches); // adapter terms, one product per module
    expect(maxAbsDiff(withAdapter.values, expected)).toBeLessThan(1e-4);
    expect(foldAdapter(rt, weights).folded).toBe(3 * c.numLayers);
    const folded = await logits(stacked);
    expect(folded.dispatches).toBe(base.dispatches); // stacked again
    const err = maxAbsDiff(folded.values, (await logits(perModule)).values);
    console.log(`after the fold: stacked vs per module max |logit diff| ${err.toExponential(2)}, vs the reference with the adapter ${maxAbsDiff(folded.values, expected).toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    expect(maxAbsDiff(folded.values, expected)).toBeLessThan(1e-4);
    stacked.dispose();
  });

  it('weights trained in place (full-parameter training) are never stacked', async () => {
    const { rt, c, weights } = await upload(LLAMA, 'f32');
    expect(stackedLinear(rt, weights.layers[0], 'qkv')).toBeDefined();
    new TrainableModel(rt, c, weights as GpuWeights, 'full');
    expect(stackedLinear(rt, weights.layers[0], 'qkv')).toBeUndefined();
    expect(stackedLinear(rt, weights.layers[1], 'gateUp')).toBeUndefined();
  });
});
