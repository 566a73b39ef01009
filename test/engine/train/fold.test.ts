// Folding an adapter into the base: the base alone must then score as base + adapter did, for f32
// (folded into W) and for q8/q4 (kept as frozen terms); training on top of a folded base still matches
// the reference. Also reports what re-quantizing W + B·A would have cost instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoraLayer } from '../../../src/engine/files/adapter.ts';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { dequantize, quantizeQ4, quantizeQ8, relativeFrobeniusError } from '../../../src/engine/quant.ts';
import { sequenceBatch } from '../../../src/engine/train/dpo.ts';
import { foldAdapter } from '../../../src/engine/train/fold.ts';
import { initLora } from '../../../src/engine/train/lora-init.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import { attachLora } from '../../../src/engine/model/gpu-weights.ts';
import { TrainableModel } from '../../../src/engine/train/trainable.ts';
import { linearName, referenceForward } from '../../../src/engine/reference/model.ts';
import { referenceBackward, responseTargets } from '../../../src/engine/reference/model-backward.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';

const SEQS = [
  { prompt: [1, 40, 41], answer: [50, 51, 52, 2] },
  { prompt: [1, 60, 61, 62, 63], answer: [64, 65] },
];

async function logps(model: TrainableModel, lora: boolean): Promise<Float32Array> {
  const { batch } = sequenceBatch(SEQS);
  const { logp } = model.forward(batch, { lora });
  const out = await model.rt.readTensor(logp);
  model.rt.release(logp);
  return out;
}

/** W + scale·B·A in place.  W: [out, in], A: [r, in], B: [out, r] */
function addLowRank(W: Float32Array, pair: LoraLayer, scale: number): Float32Array {
  const r = pair.A.length / pair.inFeatures;
  for (let o = 0; o < pair.outFeatures; o++) for (let i = 0; i < pair.inFeatures; i++) {
    let acc = 0;
    for (let k = 0; k < r; k++) acc += pair.B[o * r + k] * pair.A[k * pair.inFeatures + i];
    W[o * pair.inFeatures + i] += scale * acc;
  }
  return W;
}

function maxRel(a: Float32Array, b: Float32Array): number {
  return Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]) / Math.max(1, Math.abs(b[i]))));
}

describe.each(['f32', 'q8', 'q4'] as const)('folding an adapter into a %s base', (dtype) => {
  it('the base alone then scores as base + adapter did, and a second adapter trains on top', async () => {
    const dir = mkdtempSync(join(tmpdir(), `fold-${dtype}-`));
    const { config, tensors } = await writeTinyModel(dir, { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 48, tie: false, seed: 8 });
    const rt = await testRuntime();
    const lora = initLora(config, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'o_proj', 'up_proj'], dropout: 0 }, 3);
    lora.layers.forEach((l, i) => l.B.forEach((_, j) => (l.B[j] = Math.sin(i + j) * 0.1)));
    const { model } = await loadTrainable(nodeSource(dir), { mode: 'lora', dtype, adapter: lora, runtime: rt });
    const withAdapter = await logps(model, true);
    const baseBefore = await logps(model, false);
    const report = foldAdapter(rt, model.weights);
    expect(report).toEqual(dtype === 'f32' ? { folded: 8, frozen: 0 } : { folded: 0, frozen: 8 });
    const baseAfter = await logps(model, false);
    const err = maxRel(baseAfter, withAdapter);
    console.log(`${dtype}: base after folding vs base + adapter before: max relative log-prob error ${err.toExponential(2)} (the adapter itself moved them by ${maxRel(withAdapter, baseBefore).toExponential(2)})`);
    expect(maxRel(withAdapter, baseBefore)).toBeGreaterThan(1e-3); // the adapter matters
    expect(err).toBeLessThan(1e-5); // f32 rounding only

    if (dtype !== 'f32') {
      // what re-quantizing W + (alpha/r)·B·A would have cost instead, for one layer's q_proj
      const name = 'model.layers.0.self_attn.q_proj.weight';
      const [rows, cols] = [config.numHeads * config.headDim, config.hiddenSize];
      const quantize = (v: Float32Array) => (dtype === 'q8' ? quantizeQ8(v, rows, cols) : quantizeQ4(v, rows, cols));
      const merged = addLowRank(dequantize(quantize(tensors.get(name)!)), lora.layers.find((l) => l.layer === 0 && l.module === 'q_proj')!, 2);
      console.log(`${dtype}: re-quantizing W + B·A instead would add a relative weight error of ${relativeFrobeniusError(dequantize(quantize(merged)), merged).toExponential(2)} per iteration; frozen terms add none`);
    }

    // iteration 2: a fresh adapter on the folded base; its gradients match the reference model whose base
    // is W (dequantized) + (alpha/r)·B·A in f32, which checks the frozen terms' forward and backward too
    const second = initLora(config, { r: 2, alpha: 4, targetModules: ['q_proj', 'k_proj'], dropout: 0 }, 4);
    second.layers.forEach((l) => l.B.forEach((_, j) => (l.B[j] = Math.cos(j) * 0.05)));
    attachLora(rt, config, model.weights, second);
    const trained = new TrainableModel(rt, config, model.weights, 'lora');
    const merged = new Map(tensors);
    for (const pair of lora.layers) {
      const name = linearName(pair.layer, pair.module);
      const base = tensors.get(name)!;
      const W = dtype === 'f32' ? base.slice() : dequantize(dtype === 'q8' ? quantizeQ8(base, pair.outFeatures, pair.inFeatures) : quantizeQ4(base, pair.outFeatures, pair.inFeatures));
      merged.set(name, addLowRank(W, pair, 2));
    }
    for (const [name, values] of tensors) {
      if (dtype === 'f32' || merged.get(name) !== values || !(/_proj\.weight$/.test(name) || name === 'lm_head.weight')) continue;
      const cols = name.includes('down_proj') ? config.intermediateSize : name.includes('o_proj') ? config.numHeads * config.headDim : config.hiddenSize;
      merged.set(name, dequantize(dtype === 'q8' ? quantizeQ8(values, values.length / cols, cols) : quantizeQ4(values, values.length / cols, cols)));
    }
    const { batch } = sequenceBatch(SEQS);
    trained.zeroGrads();
    const { logp, tape } = trained.forward(batch, { keepTape: true });
    const g = rt.tensor([batch.rows.length], new Float32Array(batch.rows.length).fill(1));
    trained.backward(tape, g);
    rt.release(logp);
    rt.release(g);
    const reference = new Map<string, Float32Array>();
    for (const s of SEQS) {
      const { tokens, targets } = responseTargets(s.prompt, s.answer);
      const { tape: refTape } = referenceForward({ config, tensors: merged, lora: second }, tokens, { keepTape: true });
      for (const [name, grad] of referenceBackward({ config, tensors: merged, lora: second }, refTape!, { targets }, { lora: true })) {
        const prev = reference.get(name);
        reference.set(name, prev ? prev.map((x, i) => x + grad[i]) : grad);
      }
    }
    let worst = 0;
    for (const p of trained.parameters) {
      const got = await rt.readTensor(p.grad);
      worst = Math.max(worst, relativeFrobeniusError(got, reference.get(p.name)!));
    }
    console.log(`${dtype}: second adapter on the folded base, worst relative gradient error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });
});
