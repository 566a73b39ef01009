// The GPU engine against PyTorch on the untied Llama fixture: log-probs, the full-parameter SFT gradient of every
// weight, and three AdamW steps (clipping and weight decay on) against torch.optim.AdamW.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadModel } from '../../../src/engine/model/index.ts';
import type { SftExample } from '../../../src/engine/train/examples.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import { runTrainingLoop } from '../../../src/engine/train/loop.ts';
import { accumulateSftGradients } from '../../../src/engine/train/sft.ts';
import { readFullWeights } from '../../../src/engine/train/weights-io.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import {
  FIXTURE_ROOT, fixtureJson, fixtureLogprobInputs, fixtureSafetensors, fixtureSftExamples, relativeNormError, type SftExpected,
} from '../reference/torch-fixture.ts';

const FIXTURE = 'llama-untied-f32';
const DIR = join(FIXTURE_ROOT, FIXTURE);
const EXAMPLES: SftExample[] = fixtureSftExamples(FIXTURE).map((e, i) => ({ line: i + 1, prompt: e.prompt_ids, response: e.response_ids }));
const EXPECTED = fixtureJson<SftExpected>(FIXTURE, 'sft_expected.json');

describe('GPU engine on the untied Llama fixture', () => {
  it('log-probs match PyTorch', async () => {
    const model = await loadModel(nodeSource(DIR), { runtime: await testRuntime() });
    const inputs = fixtureLogprobInputs(FIXTURE);
    const expected = fixtureJson<number[]>(FIXTURE, 'logprob_expected.json');
    const got = await model.logprobs(inputs.map((r) => ({ promptIds: r.prompt_ids, responseIds: r.response_ids })));
    const worst = Math.max(...got.map((g, i) => Math.abs(g.logprob - expected[i]) / Math.abs(expected[i])));
    console.log(`${FIXTURE} GPU log-probs: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1.5e-6); // measured 1.2e-7
    model.dispose();
  });

  it.each([4, 1])('full-parameter SFT gradients match PyTorch for every weight (micro-batch %i)', async (microBatch) => {
    const rt = await testRuntime();
    const { model } = await loadTrainable(nodeSource(DIR), { mode: 'full', runtime: rt });
    model.zeroGrads();
    const metrics = await accumulateSftGradients(model, EXAMPLES, microBatch);
    expect(Math.abs(metrics.loss - EXPECTED.loss) / EXPECTED.loss).toBeLessThan(2e-6);
    const want = fixtureSafetensors(FIXTURE, 'sft_grads_expected.safetensors');
    expect(model.parameters.map((p) => p.name).sort()).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const p of model.parameters) worst = Math.max(worst, relativeNormError(await rt.readTensor(p.grad), want.get(p.name)!));
    console.log(`${FIXTURE} GPU SFT gradients, micro-batch ${microBatch}: worst relative error by norm ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(6e-6); // measured 5.6e-7
  });

  it('three AdamW steps match torch.optim.AdamW (clip_grad_norm_, weight decay)', async () => {
    const rt = await testRuntime();
    const { model } = await loadTrainable(nodeSource(DIR), { mode: 'full', runtime: rt });
    const before = await readFullWeights(model);
    const { adamw } = EXPECTED;
    const history = await runTrainingLoop(model, EXAMPLES, {
      lr: adamw.lr, epochs: adamw.steps, batch: EXAMPLES.length, microBatch: EXAMPLES.length, seed: 1,
      beta1: adamw.betas[0], beta2: adamw.betas[1], eps: adamw.eps, weightDecay: adamw.weight_decay, maxGradNorm: adamw.max_grad_norm,
    }, (batch) => accumulateSftGradients(model, batch, batch.length));
    history.forEach((m, i) => {
      expect(Math.abs((m.loss as number) - EXPECTED.steps[i].loss) / EXPECTED.steps[i].loss, `loss of step ${i + 1}`).toBeLessThan(2e-5); // measured 2.4e-6 (step 2)
      expect(Math.abs((m.grad_norm as number) - EXPECTED.steps[i].grad_norm) / EXPECTED.steps[i].grad_norm, `grad norm of step ${i + 1}`).toBeLessThan(1e-5);
    });
    // compare the updates (after − before): the weights themselves would hide an error in a small update
    const after = await readFullWeights(model);
    const want = fixtureSafetensors(FIXTURE, 'adamw_weights_expected.safetensors');
    let worst = 0;
    for (const [name, w] of after) {
      const start = before.get(name)!;
      const got = w.map((x, i) => x - start[i]);
      const expected = want.get(name)!.map((x, i) => x - start[i]);
      worst = Math.max(worst, relativeNormError(got, expected));
    }
    console.log(`${FIXTURE} three AdamW steps: worst relative error of the update by norm ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4); // measured 9.0e-6
  });
});
