import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../src/engine/files/safetensors.ts';
import { accumulateDpoGradients, referenceLogps } from '../../../src/engine/train/dpo.ts';
import { microBatches } from '../../../src/engine/train/micro-batches.ts';
import { paddedLength } from '../../../src/engine/train/padding.ts';
import type { DpoPair } from '../../../src/engine/train/examples.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { loadTrainable } from './helpers.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/torch-reference');

function relativeNormError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe.each(['qwen2-fixture-f32', 'qwen2-fixture-bf16'])('DPO gradients on the GPU against PyTorch (%s)', (name) => {
  const dir = join(FIXTURES, name);
  const pairs: DpoPair[] = readFileSync(join(dir, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l, i) => {
    const r = JSON.parse(l);
    return { line: i + 1, prompt: r.prompt_ids, chosen: r.chosen_ids, rejected: r.rejected_ids };
  });
  const expected = JSON.parse(readFileSync(join(dir, 'dpo_expected.json'), 'utf8'));
  const expectedGrads = SafetensorsFile.parse(readFileSync(join(dir, 'dpo_grads_expected.safetensors')), 'dpo_grads_expected.safetensors');

  it.each([1, 2, 5])('matches the loss, metrics and every adapter gradient (micro-batch %i)', async (microBatch) => {
    const rt = await testRuntime();
    const model = await loadTrainable(rt, dir, 'lora', { adapterDir: 'adapter' });
    const reference = await referenceLogps(model, pairs, microBatch);
    model.zeroGrads();
    const { metrics } = await accumulateDpoGradients(model, pairs, reference, { beta: expected.beta, microBatch });
    // f32 on the GPU against float64 in PyTorch: sums of ~10 log-probs agree to ~1e-5 relative
    expect(metrics.loss).toBeCloseTo(expected.loss, 5);
    for (const k of ['rewards/chosen', 'rewards/rejected', 'rewards/margins']) expect(metrics[k]).toBeCloseTo(expected[k], 4);
    expect(metrics['rewards/accuracies']).toBeCloseTo(expected['rewards/accuracies'], 6);
    expect(model.parameters.length).toBe(expectedGrads.tensors.size);
    let worst = 0;
    for (const p of model.parameters) {
      const err = relativeNormError(await rt.readTensor(p.grad), expectedGrads.f32(p.name));
      worst = Math.max(worst, err);
    }
    console.log(`${name}, micro-batch ${microBatch}: worst relative gradient error (by norm) ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(2e-5); // measured 1.3e-6 to 1.9e-6: ten times that
  });
});

describe('DPO with RPO: gradient accumulation gives the whole batch\'s loss and gradients', () => {
  const dir = join(FIXTURES, 'qwen2-fixture-f32');
  const pairs: DpoPair[] = readFileSync(join(dir, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l, i) => {
    const r = JSON.parse(l);
    return { line: i + 1, prompt: r.prompt_ids, chosen: r.chosen_ids, rejected: r.rejected_ids };
  });

  it('micro-batches 1 and 2 match one pass of all 5 pairs (rpo_alpha 0.5, label smoothing 0.1)', async () => {
    const rt = await testRuntime();
    const model = await loadTrainable(rt, dir, 'lora', { adapterDir: 'adapter' });
    const reference = await referenceLogps(model, pairs, 5);
    const run = async (microBatch: number) => {
      model.zeroGrads();
      const { metrics } = await accumulateDpoGradients(model, pairs, reference, { beta: 0.1, labelSmoothing: 0.1, rpoAlpha: 0.5, microBatch });
      const grads = await Promise.all(model.parameters.map((p) => rt.readTensor(p.grad)));
      return { metrics, grads };
    };
    const whole = await run(5);
    expect(whole.metrics.nll_loss).toBeGreaterThan(0);
    for (const microBatch of [1, 2]) {
      const split = await run(microBatch);
      for (const k of Object.keys(whole.metrics)) expect(split.metrics[k], k).toBeCloseTo(whole.metrics[k], 6);
      const worst = Math.max(...split.grads.map((g, i) => relativeNormError(g, whole.grads[i])));
      expect(worst, `micro-batch ${microBatch}`).toBeLessThan(1e-5);
    }
  });

  it('passes grouped by length (pairs reordered) give each pair its own reference and the same loss and gradients', async () => {
    const rt = await testRuntime();
    const model = await loadTrainable(rt, dir, 'lora', { adapterDir: 'adapter' });
    // pairs 1 and 3 made 5x longer, so the passes (longest first) are not in batch order
    const mixed = pairs.map((p, i) => (i % 2 === 1 ? { ...p, chosen: [...p.chosen, ...p.chosen, ...p.chosen, ...p.chosen, ...p.chosen], rejected: [...p.rejected, ...p.rejected, ...p.rejected, ...p.rejected, ...p.rejected] } : p));
    const shape = (g: DpoPair[]) => ({ B: 2 * g.length, T: paddedLength(Math.max(...g.flatMap((p) => [p.prompt.length + p.chosen.length, p.prompt.length + p.rejected.length]))), M: 1 });
    const passes = microBatches(model, mixed, 5, shape);
    expect(passes[0].positions.slice(0, 2)).toEqual([1, 3]);
    const oneByOne = await referenceLogps(model, mixed, 1);
    const grouped = await referenceLogps(model, mixed, 5);
    grouped.forEach((r, i) => {
      expect(r.chosen, `pair ${i}`).toBeCloseTo(oneByOne[i].chosen, 4);
      expect(r.rejected, `pair ${i}`).toBeCloseTo(oneByOne[i].rejected, 4);
    });
    const run = async (microBatch: number) => {
      model.zeroGrads();
      const { metrics } = await accumulateDpoGradients(model, mixed, oneByOne, { beta: 0.1, microBatch });
      return { metrics, grads: await Promise.all(model.parameters.map((p) => rt.readTensor(p.grad))) };
    };
    const single = await run(1);
    const whole = await run(5);
    // the passes' products may run other kernels (the transposed one from 256 rows on software adapters), so sums
    // of ~100 per-token log-probs agree to f32 rounding (~1e-6 here), not bit for bit; a wrong mapping is off by >0.1
    for (const k of Object.keys(single.metrics)) expect(whole.metrics[k], k).toBeCloseTo(single.metrics[k], 4);
    expect(Math.max(...whole.grads.map((g, i) => relativeNormError(g, single.grads[i])))).toBeLessThan(1e-5);
  });
});
