import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../src/engine/files/safetensors.ts';
import { accumulateDpoGradients, referenceLogps } from '../../../src/engine/train/dpo.ts';
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
    expect(worst).toBeLessThan(1e-3); // the fixture's stated agreement for f32 engines
  });
});
