// The reference model against PyTorch (float64) on the untied Llama fixture: log-probs (RMSNorm epsilon 1e-5,
// rope_theta 5e5, explicit head_dim, an lm_head of its own) and the full-parameter SFT gradient of every weight.
import { describe, expect, it } from 'vitest';
import { referenceBackward, responseTargets } from '../../../src/engine/reference/model-backward.ts';
import { referenceForward, referenceLogprob } from '../../../src/engine/reference/model.ts';
import {
  fixtureJson, fixtureLogprobInputs, fixtureSafetensors, fixtureSftExamples, loadFixtureWeights, relativeNormError, type SftExpected,
} from './torch-fixture.ts';

const FIXTURE = 'llama-untied-f32';
const weights = await loadFixtureWeights(FIXTURE);

describe('reference model on the untied Llama fixture', () => {
  it('matches PyTorch log-probs', () => {
    const inputs = fixtureLogprobInputs(FIXTURE);
    const expected = fixtureJson<number[]>(FIXTURE, 'logprob_expected.json');
    let worst = 0;
    inputs.forEach((row, i) => {
      const got = referenceLogprob(weights, row.prompt_ids, row.response_ids);
      worst = Math.max(worst, Math.abs(got - expected[i]) / Math.abs(expected[i]));
    });
    console.log(`${FIXTURE} log-probs: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(5e-7); // measured 3.4e-8
  });

  it('matches the PyTorch gradient of the mean SFT cross-entropy with respect to every weight', () => {
    const examples = fixtureSftExamples(FIXTURE);
    const expected = fixtureJson<SftExpected>(FIXTURE, 'sft_expected.json');
    const tokens = examples.reduce((s, e) => s + e.response_ids.length, 0);
    expect(tokens).toBe(expected.tokens);
    const sum = new Map<string, Float64Array>();
    let loss = 0;
    for (const e of examples) {
      const { tokens: input, targets } = responseTargets(e.prompt_ids, e.response_ids);
      const { tape } = referenceForward(weights, input, { keepTape: true });
      loss -= referenceLogprob(weights, e.prompt_ids, e.response_ids) / tokens;
      // L = −(1/N) Σ log p: scale −1/N on the summed log-probs
      for (const [name, g] of referenceBackward(weights, tape!, { targets, scale: -1 / tokens }, { base: true })) {
        const acc = sum.get(name) ?? new Float64Array(g.length);
        g.forEach((v, i) => (acc[i] += v));
        sum.set(name, acc);
      }
    }
    expect(Math.abs(loss - expected.loss) / expected.loss).toBeLessThan(1e-6);
    const want = fixtureSafetensors(FIXTURE, 'sft_grads_expected.safetensors');
    expect([...sum.keys()].sort()).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const [name, g] of sum) worst = Math.max(worst, relativeNormError(g, want.get(name)!));
    console.log(`${FIXTURE} SFT gradients: worst relative error by norm ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(2e-6); // measured 1.8e-7
  });
});
