// Training that demonstrably learns, saves and reloads to identical log-probs, and survives NaN.
import { mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePeftAdapter } from '../../../src/engine/files/adapter.ts';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadModel } from '../../../src/engine/model/index.ts';
import { accumulateDpoGradients, referenceLogps, sequenceBatch } from '../../../src/engine/train/dpo.ts';
import type { DpoPair, SftExample } from '../../../src/engine/train/examples.ts';
import { initLora } from '../../../src/engine/train/lora-init.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import { runTrainingLoop, TrainingStopped } from '../../../src/engine/train/loop.ts';
import { DPO_METRIC_NAMES } from '../../../src/engine/train/dpo-loss.ts';
import { accumulateSftGradients } from '../../../src/engine/train/sft.ts';
import type { TrainableModel } from '../../../src/engine/train/trainable.ts';
import { modelFolderFiles, readAdapter, readFullWeights } from '../../../src/engine/train/weights-io.ts';
import { writeFolder } from '../../../src/cli/files.ts';
import { Rng } from '../../../src/util/random.ts';
import { acquireGpu, DeviceLostError } from '../../../src/engine/gpu.ts';
import { Runtime } from '../../../src/engine/runtime.ts';
import { testRuntime } from '../../helpers/gpu.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/torch-reference/qwen2-fixture-f32');
const CONFIG = parseConfig(readFileSync(join(FIXTURE, 'config.json'), 'utf8'));
const PAIRS: DpoPair[] = readFileSync(join(FIXTURE, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l, i) => {
  const r = JSON.parse(l);
  return { line: i + 1, prompt: r.prompt_ids, chosen: r.chosen_ids, rejected: r.rejected_ids };
});

/** Sequence log-probs of prompt → answer from the training model (adapter on). */
async function trainableLogps(model: TrainableModel, items: { promptIds: number[]; responseIds: number[] }[]): Promise<number[]> {
  const { batch, owner } = sequenceBatch(items.map((i) => ({ prompt: i.promptIds, answer: i.responseIds })));
  const { logp } = model.forward(batch);
  const values = await model.rt.readTensor(logp);
  model.rt.release(logp);
  const sums = new Array<number>(items.length).fill(0);
  owner.forEach((b, m) => (sums[b] += values[m]));
  return sums;
}

function expectClose(a: number[], b: number[], rel: number): void {
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThanOrEqual(rel * Math.abs(b[i]) + 1e-6));
}

describe('DPO training', () => {
  it('lowers the loss, raises rewards/accuracies, and its saved PEFT adapter reloads to the same log-probs', async () => {
    const rt = await testRuntime();
    const lora = { r: 4, alpha: 8, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], dropout: 0 };
    const { model } = await loadTrainable(nodeSource(FIXTURE), { mode: 'lora', adapter: initLora(CONFIG, lora, 1), runtime: rt });
    const reference = await referenceLogps(model, PAIRS, 5);
    const history = await runTrainingLoop(model, PAIRS, { lr: 0.01, epochs: 15, batch: 5, microBatch: 3, seed: 1 },
      (batch) => accumulateDpoGradients(model, batch, batch.map((p) => reference[PAIRS.indexOf(p)]), { beta: 0.1, microBatch: 3 }).then((r) => r.metrics));
    const first = history[0];
    const last = history[history.length - 1];
    console.log(`DPO: loss ${first.loss} → ${last.loss}, rewards/accuracies ${first['rewards/accuracies']} → ${last['rewards/accuracies']}`);
    expect(first.loss).toBeCloseTo(Math.log(2), 5); // B = 0: the policy starts as the reference
    expect(last.loss as number).toBeLessThan(0.3 * (first.loss as number));
    expect(last['rewards/accuracies']).toBe(1);
    expect(history.every((m) => !m.skipped)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'dpo-adapter-'));
    await writeFolder(dir, writePeftAdapter(await readAdapter(model, lora), FIXTURE));
    const reloaded = await loadModel(nodeSource(FIXTURE), { adapter: nodeSource(dir), runtime: rt });
    const items = PAIRS.flatMap((p) => [{ promptIds: p.prompt, responseIds: p.chosen }, { promptIds: p.prompt, responseIds: p.rejected }]);
    const before = await trainableLogps(model, items);
    const after = (await reloaded.logprobs(items)).map((r) => r.logprob);
    expectClose(after, before, 1e-5);
  });
});

describe('full-parameter training (SFT) from a config alone', () => {
  it('learns a toy task well below its starting loss, and the saved folder reloads to the same log-probs', async () => {
    const rt = await testRuntime();
    const start = mkdtempSync(join(tmpdir(), 'sft-start-'));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(FIXTURE, f), join(start, f));
    const { model, config, tokenizer, randomInit } = await loadTrainable(nodeSource(start), { mode: 'full', randomInitSeed: 7, runtime: rt });
    expect(randomInit).toBe(true);
    const rng = new Rng(3);
    const examples: SftExample[] = Array.from({ length: 48 }, (_, line) => {
      const a = Math.floor(rng.next() * 5);
      const b = Math.floor(rng.next() * 5);
      return { line, prompt: tokenizer.encode(`${a}+${b}=`), response: tokenizer.encode(`${a + b}!`) };
    });
    const history = await runTrainingLoop(model, examples, { lr: 0.01, epochs: 25, batch: 16, microBatch: 8, seed: 1 },
      (batch) => accumulateSftGradients(model, batch, 8));
    const first = history[0].loss as number;
    const last = history[history.length - 1].loss as number;
    console.log(`SFT: loss ${first.toFixed(3)} → ${last.toFixed(3)} over ${history.length} steps`);
    expect(first).toBeGreaterThan(3); // ≈ ln(50) for random weights
    expect(last).toBeLessThan(0.25 * first);

    const dir = mkdtempSync(join(tmpdir(), 'sft-saved-'));
    await writeFolder(dir, modelFolderFiles(config, await readFullWeights(model)));
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(FIXTURE, f), join(dir, f));
    const reloaded = await loadModel(nodeSource(dir), { runtime: rt });
    const items = examples.slice(0, 6).map((e) => ({ promptIds: e.prompt, responseIds: e.response }));
    expectClose((await reloaded.logprobs(items)).map((r) => r.logprob), await trainableLogps(model, items), 1e-5);
  });
});

describe('non-finite gradients', () => {
  it('skips the step and keeps the weights, then stops after repeated failures', async () => {
    const rt = await testRuntime();
    const lora = { r: 2, alpha: 4, targetModules: ['q_proj'], dropout: 0 };
    const { model } = await loadTrainable(nodeSource(FIXTURE), { mode: 'lora', adapter: initLora(CONFIG, lora, 2), runtime: rt });
    const before = await Promise.all(model.parameters.map((p) => rt.readTensor(p.value)));
    let calls = 0;
    const seen: boolean[] = [];
    const poison = async (batch: DpoPair[]) => {
      calls++;
      const reference = await referenceLogps(model, batch, 5);
      const r = await accumulateDpoGradients(model, batch, reference, { beta: 0.1, microBatch: 5 });
      const g = model.parameters[0].grad;
      rt.write(g.buffer, new Float32Array([Number.NaN])); // a NaN in the gradient: the step must be skipped on the GPU
      return r.metrics;
    };
    await expect(runTrainingLoop(model, PAIRS, { lr: 0.1, epochs: 5, batch: 5, microBatch: 5, seed: 1, maxFailures: 3 }, poison, (m) => seen.push(m.skipped)))
      .rejects.toThrow(TrainingStopped);
    expect(calls).toBe(3);
    expect(seen).toEqual([true, true, true]);
    const after = await Promise.all(model.parameters.map((p) => rt.readTensor(p.value)));
    after.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i])));
  });
});

describe('logged metrics, as TRL logs them', () => {
  it('step counts from 1, epoch is fractional, every step has the same keys, a skipped step has nulls', async () => {
    const rt = await testRuntime();
    const lora = { r: 2, alpha: 4, targetModules: ['q_proj'], dropout: 0 };
    const { model } = await loadTrainable(nodeSource(FIXTURE), { mode: 'lora', adapter: initLora(CONFIG, lora, 4), runtime: rt });
    const reference = await referenceLogps(model, PAIRS, 5);
    let calls = 0;
    const accumulate = (batch: DpoPair[]) => {
      // the second step's reference is NaN: dpoLoss throws NonFiniteError and the step is skipped
      const refs = batch.map((p) => (++calls, calls > 2 && calls <= 4 ? { chosen: Number.NaN, rejected: 0 } : reference[PAIRS.indexOf(p)]));
      return accumulateDpoGradients(model, batch, refs, { beta: 0.1, microBatch: 2 }).then((r) => r.metrics);
    };
    const history = await runTrainingLoop(model, PAIRS, { lr: 0.01, epochs: 2, batch: 2, microBatch: 2, seed: 1, metricNames: DPO_METRIC_NAMES }, accumulate);
    expect(history.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.map((m) => Number((m.epoch as number).toFixed(4)))).toEqual([0.3333, 0.6667, 1, 1.3333, 1.6667, 2]);
    const keys = [...DPO_METRIC_NAMES, 'grad_norm', 'learning_rate', 'step', 'epoch', 'skipped'];
    for (const m of history) expect(Object.keys(m).sort()).toEqual([...keys].sort());
    expect(history.map((m) => m.skipped)).toEqual([false, true, false, false, false, false]);
    for (const k of [...DPO_METRIC_NAMES, 'grad_norm']) expect(history[1][k], k).toBeNull();
    expect(history[1].learning_rate).toBe(0.01);
    expect(typeof history[0].loss).toBe('number');
  });
});

describe('a device lost mid-training', () => {
  it('fails the loop with DeviceLostError instead of hanging, and the adapter saved before stays intact', async () => {
    const gpu = await acquireGpu(); // its own device: this test destroys it
    const rt = new Runtime(gpu);
    const lora = { r: 2, alpha: 4, targetModules: ['q_proj', 'v_proj'], dropout: 0 };
    const { model } = await loadTrainable(nodeSource(FIXTURE), { mode: 'lora', adapter: initLora(CONFIG, lora, 3), runtime: rt });
    const reference = await referenceLogps(model, PAIRS, 5);
    const dir = mkdtempSync(join(tmpdir(), 'lost-'));
    const options = { lr: 0.01, epochs: 1, batch: 5, microBatch: 5, seed: 1 };
    const accumulate = (batch: DpoPair[]) => accumulateDpoGradients(model, batch, reference, { beta: 0.1, microBatch: 5 }).then((r) => r.metrics);
    await runTrainingLoop(model, PAIRS, options, accumulate);
    const saved = writePeftAdapter(await readAdapter(model, lora), FIXTURE);
    await writeFolder(dir, saved);
    // the next run loses its device after its first step
    await expect(runTrainingLoop(model, PAIRS, { ...options, epochs: 5 }, accumulate, () => gpu.device.destroy())).rejects.toThrow(DeviceLostError);
    for (const [name, bytes] of saved) expect(Buffer.compare(readFileSync(join(dir, name)), Buffer.from(bytes))).toBe(0);
  });
});
