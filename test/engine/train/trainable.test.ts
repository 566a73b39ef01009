// The GPU training pass against the TypeScript reference backward (itself checked by finite differences
// and against PyTorch): full-parameter gradients on Llama- and Qwen2-shaped models, LoRA gradients on
// every module, and LoRA on a quantized base (against the reference on the dequantized weights).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { dequantize, quantizeQ4, quantizeQ8 } from '../../../src/engine/quant.ts';
import { referenceBackward, responseTargets } from '../../../src/engine/reference/model-backward.ts';
import { referenceForward, type ReferenceWeights } from '../../../src/engine/reference/model.ts';
import { sequenceBatch } from '../../../src/engine/train/dpo.ts';
import { initLora } from '../../../src/engine/train/lora-init.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import type { TrainableModel } from '../../../src/engine/train/trainable.ts';
import { LINEAR_MODULES } from '../../../src/engine/files/weight-names.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';

const LLAMA: TinyModelOptions = { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 3 };
const QWEN2: TinyModelOptions = { arch: 'qwen2', hidden: 24, layers: 2, heads: 3, kvHeads: 1, intermediate: 40, tie: true, seed: 4 };

const SEQS = [
  { prompt: [1, 40, 41, 42], answer: [50, 51, 52, 2] },
  { prompt: [1, 60], answer: [61, 62, 63, 64, 65, 2] },
  { prompt: [1, 70, 71, 72, 73, 74], answer: [75] },
];

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Reference gradient of L = Σ_seq Σ_target log p, for every trained tensor. */
function referenceGrads(w: ReferenceWeights, options: { lora: boolean; base: boolean }): Map<string, Float32Array> {
  const total = new Map<string, Float32Array>();
  for (const s of SEQS) {
    const { tokens, targets } = responseTargets(s.prompt, s.answer);
    const { tape } = referenceForward(w, tokens, { keepTape: true, loraEnabled: options.lora });
    for (const [name, g] of referenceBackward(w, tape!, { targets }, options)) {
      const prev = total.get(name);
      if (prev) prev.forEach((_, i) => (prev[i] += g[i]));
      else total.set(name, g.slice());
    }
  }
  return total;
}

async function gpuGrads(model: TrainableModel): Promise<Map<string, Float32Array>> {
  const { batch } = sequenceBatch(SEQS);
  model.zeroGrads();
  const { logp, tape } = model.forward(batch, { keepTape: true });
  const g = model.rt.tensor([batch.rows.length], new Float32Array(batch.rows.length).fill(1));
  model.backward(tape, g);
  model.rt.release(logp);
  model.rt.release(g);
  const out = new Map<string, Float32Array>();
  for (const p of model.parameters) out.set(p.name, await model.rt.readTensor(p.grad));
  return out;
}

function compare(gpu: Map<string, Float32Array>, ref: Map<string, Float32Array>, label: string): void {
  expect([...gpu.keys()].sort()).toEqual([...ref.keys()].sort());
  let worst = 0;
  let worstName = '';
  for (const [name, g] of gpu) {
    const e = relErr(g, ref.get(name)!);
    if (e > worst) [worst, worstName] = [e, name];
  }
  console.log(`${label}: ${gpu.size} tensors, worst relative error (by norm) ${worst.toExponential(2)} (${worstName})`);
  // f32 GPU sums in another order than the f64 reference: measured 5e-7 to 8e-7
  expect(worst).toBeLessThan(8e-6);
}

describe.each([['llama', LLAMA], ['qwen2', QWEN2]] as const)('training pass on a %s-shaped model', (name, shape) => {
  const dir = mkdtempSync(join(tmpdir(), `train-${name}-`));
  const written = writeTinyModel(dir, shape);

  it('full-parameter gradients equal the reference backward', async () => {
    const { config, tensors } = await written;
    const rt = await testRuntime();
    const { model } = await loadTrainable(nodeSource(dir), { mode: 'full', runtime: rt });
    compare(await gpuGrads(model), referenceGrads({ config, tensors }, { lora: false, base: true }), `${name} full`);
  });

  it('LoRA gradients on all seven modules equal the reference backward', async () => {
    const { config, tensors } = await written;
    const rt = await testRuntime();
    const lora = initLora(config, { r: 4, alpha: 8, targetModules: [...LINEAR_MODULES], dropout: 0 }, 9);
    lora.layers.forEach((l, i) => l.B.forEach((_, j) => (l.B[j] = Math.sin(i * 31 + j) * 0.05))); // B ≠ 0: both A and B get gradients
    const { model } = await loadTrainable(nodeSource(dir), { mode: 'lora', adapter: lora, runtime: rt });
    compare(await gpuGrads(model), referenceGrads({ config, tensors, lora }, { lora: true, base: false }), `${name} LoRA`);
  });
});

describe.each(['q8', 'q4'] as const)('LoRA on a %s base', (dtype) => {
  it('gradients equal the reference on the dequantized weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), `train-${dtype}-`));
    const { config, tensors } = await writeTinyModel(dir, LLAMA);
    const rt = await testRuntime();
    const lora = initLora(config, { r: 2, alpha: 4, targetModules: ['q_proj', 'v_proj', 'down_proj'], dropout: 0 }, 5);
    lora.layers.forEach((l) => l.B.forEach((_, j) => (l.B[j] = Math.cos(j) * 0.05)));
    const { model } = await loadTrainable(nodeSource(dir), { mode: 'lora', dtype, adapter: lora, runtime: rt });
    // the reference sees what the GPU sees: every linear weight quantized, then dequantized (embeddings stay f32)
    const seen = new Map(tensors);
    for (const [name, values] of tensors) {
      if (!/_proj\.weight$/.test(name) && name !== 'lm_head.weight') continue;
      const cols = name.includes('down_proj') ? config.intermediateSize : name.includes('o_proj') ? config.numHeads * config.headDim : config.hiddenSize;
      const rows = values.length / cols;
      seen.set(name, dequantize(dtype === 'q8' ? quantizeQ8(values, rows, cols) : quantizeQ4(values, rows, cols)));
    }
    compare(await gpuGrads(model), referenceGrads({ config, tensors: seen, lora }, { lora: true, base: false }), `${dtype} base LoRA`);
  });
});

describe('LoRA dropout', () => {
  it('is off in passes without a tape, and its gradients match central differences of the same masked loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-dropout-'));
    const { config } = await writeTinyModel(dir, LLAMA);
    const rt = await testRuntime();
    const lora = initLora(config, { r: 2, alpha: 4, targetModules: ['q_proj', 'down_proj'], dropout: 0.3 }, 6);
    lora.layers.forEach((l) => l.B.forEach((_, j) => (l.B[j] = Math.sin(j) * 0.1)));
    const { model } = await loadTrainable(nodeSource(dir), { mode: 'lora', adapter: lora, runtime: rt, seed: 1 });
    const plain = (await loadTrainable(nodeSource(dir), { mode: 'lora', adapter: { ...lora, config: { ...lora.config, dropout: 0 } }, runtime: rt })).model;
    const { batch } = sequenceBatch(SEQS);
    const loss = async (m: TrainableModel, keepTape: boolean, dropoutSeed?: number) => {
      const { logp, tape } = m.forward(batch, { keepTape, dropoutSeed });
      if (keepTape) m.releaseTape(tape);
      const v = await rt.readTensor(logp);
      rt.release(logp);
      return v.reduce((s, x) => s + x, 0);
    };
    expect(await loss(model, false)).toBe(await loss(plain, false)); // evaluation passes never drop
    expect(await loss(model, true, 5)).not.toBe(await loss(plain, true)); // training passes do
    // gradient of the loss under the masks of seed 5
    model.zeroGrads();
    const { logp, tape } = model.forward(batch, { keepTape: true, dropoutSeed: 5 });
    const g = rt.tensor([batch.rows.length], new Float32Array(batch.rows.length).fill(1));
    model.backward(tape, g);
    rt.release(logp);
    for (const p of model.parameters.filter((q) => q.name.includes('layers.0'))) {
      const grad = await rt.readTensor(p.grad);
      const values = await rt.readTensor(p.value);
      const i = grad.reduce((best, v, k) => (Math.abs(v) > Math.abs(grad[best]) ? k : best), 0);
      const h = 2e-2;
      const at = async (delta: number) => {
        const v = values.slice();
        v[i] += delta;
        rt.write(p.value.buffer, v);
        return loss(model, true, 5);
      };
      const fd = ((await at(h)) - (await at(-h))) / (2 * h);
      rt.write(p.value.buffer, values);
      console.log(`dropout ${p.name}[${i}]: analytic ${grad[i].toFixed(5)}, central difference ${fd.toFixed(5)}`);
      // f32 losses of ~−60 differ by ~1e-5 between runs of the sum: central differences with h = 0.02 are good to ~1e-3
      expect(Math.abs(fd - grad[i])).toBeLessThan(2e-2 * Math.abs(grad[i]) + 2e-3);
    }
  });
});
