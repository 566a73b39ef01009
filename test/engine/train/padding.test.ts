// Length buckets (padding.ts): a batch padded to a multiple of the bucket gives the same log-probs and the same
// gradients as the batch padded only to its longest row, in full-parameter and LoRA training.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { sequenceBatch } from '../../../src/engine/train/dpo.ts';
import { initLora } from '../../../src/engine/train/lora-init.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import { LENGTH_BUCKET, paddedLength } from '../../../src/engine/train/padding.ts';
import type { TrainableModel } from '../../../src/engine/train/trainable.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel, type TinyModelOptions } from '../../helpers/tiny-model.ts';

const LLAMA: TinyModelOptions = { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 3 };

// longest row: 4 + 4 − 1 = 2 + 6 − 1 = 7 tokens (prompt + answer − 1)
const SEQS = [
  { prompt: [1, 40, 41, 42], answer: [50, 51, 52, 2] },
  { prompt: [1, 60], answer: [61, 62, 63, 64, 65, 2] },
  { prompt: [1, 70, 71, 72, 73, 74], answer: [75] },
];

/** log-probs of the targets and every parameter's gradient of Σ w_m · logp_m (w: fixed, unequal weights). */
async function pass(model: TrainableModel, bucket: number) {
  const { batch } = sequenceBatch(SEQS, bucket);
  model.zeroGrads();
  const { logp, tape } = model.forward(batch, { keepTape: true });
  const weights = Float32Array.from(batch.rows, (_, m) => -1 - 0.1 * m);
  const g = model.rt.tensor([weights.length], weights);
  model.backward(tape, g);
  const out = { T: batch.T, logp: await model.rt.readTensor(logp), grads: new Map<string, Float32Array>() };
  for (const p of model.parameters) out.grads.set(p.name, await model.rt.readTensor(p.grad));
  model.rt.release(logp);
  model.rt.release(g);
  return out;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(scale, 1e-30));
  return worst;
}

describe('length buckets', () => {
  it('round the longest row up to a multiple of the bucket and refuse a bucket below 1', () => {
    expect(paddedLength(10, 1)).toBe(10);
    expect(paddedLength(7, 4)).toBe(8);
    expect(paddedLength(10, 16)).toBe(16);
    expect(paddedLength(32, 16)).toBe(32);
    expect(paddedLength(33)).toBe(Math.ceil(33 / LENGTH_BUCKET) * LENGTH_BUCKET);
    expect(() => paddedLength(10, 0)).toThrow(/length bucket must be a positive integer, got 0/);
    expect(sequenceBatch(SEQS, 16).batch.T).toBe(16);
  });

  describe.each(['full', 'lora'] as const)('%s training', (mode) => {
    it('a padded batch gives the unpadded log-probs and gradients', async () => {
      const dir = mkdtempSync(join(tmpdir(), `padding-${mode}-`));
      const { config } = await writeTinyModel(dir, LLAMA);
      const rt = await testRuntime();
      const adapter = mode === 'lora' ? initLora(config, { r: 4, alpha: 8, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'down_proj'], dropout: 0 }, 9) : undefined;
      adapter?.layers.forEach((l, i) => l.B.forEach((_, j) => (l.B[j] = Math.sin(i * 31 + j) * 0.05))); // B ≠ 0: A gets gradients too
      const { model } = await loadTrainable(nodeSource(dir), { mode, adapter, runtime: rt });
      const exact = await pass(model, 1);
      expect(exact.T).toBe(7);
      for (const bucket of [4, 16, 32]) {
        const padded = await pass(model, bucket);
        expect(padded.T).toBe(paddedLength(7, bucket));
        let worst = maxRelDiff(padded.logp, exact.logp);
        for (const [name, g] of exact.grads) worst = Math.max(worst, maxRelDiff(padded.grads.get(name)!, g));
        console.log(`${mode}, bucket ${bucket} (T ${padded.T}): worst difference from the unpadded pass ${worst.toExponential(2)} (relative to each tensor's largest entry)`);
        // padding positions are seen by no real position and carry no target, so they add exact zeros; the
        // only room allowed is f32 summation order (≤ 1e-6 of the largest entry; a leak through the mask is ≫ 1e-3)
        expect(worst).toBeLessThan(1e-6);
      }
    });
  });
});
