// DPO loss, metrics and adapter gradients through the reference model and its backward,
// against PyTorch autograd (float64) on the torch-reference fixture.
import { describe, expect, it } from 'vitest';
import { referenceBackward, responseTargets } from '../../../src/engine/reference/model-backward.ts';
import { referenceForward, type ReferenceWeights } from '../../../src/engine/reference/model.ts';
import { dpoLoss } from '../../../src/engine/train/dpo-loss.ts';
import { fixtureGrads, fixtureJson, fixturePairs, loadFixtureWeights, type FixtureName } from './torch-fixture.ts';

/** Sequence log-prob of the response and the tape to differentiate it. */
function sequenceLogprob(w: ReferenceWeights, prompt: number[], response: number[], loraEnabled: boolean) {
  const { tokens, targets } = responseTargets(prompt, response);
  const { logits, tape } = referenceForward(w, tokens, { keepTape: true, loraEnabled });
  const V = w.config.vocabSize;
  let sum = 0;
  targets.forEach((target, t) => {
    if (target < 0) return;
    const row = logits.subarray(t * V, t * V + V);
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    let z = 0;
    for (const x of row) z += Math.exp(x - max);
    sum += row[target] - max - Math.log(z);
  });
  return { logprob: sum, tape: tape!, targets };
}

function addGrads(into: Map<string, Float64Array>, grads: Map<string, Float32Array>): void {
  for (const [name, g] of grads) {
    const acc = into.get(name) ?? new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) acc[i] += g[i];
    into.set(name, acc);
  }
}

function relativeErrorByNorm(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < want.length; i++) {
    diff += (got[i] - want[i]) ** 2;
    norm += want[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

const FIXTURES: FixtureName[] = ['qwen2-fixture-f32', 'qwen2-fixture-bf16'];
const WEIGHTS = new Map(await Promise.all(FIXTURES.map(async (f) => [f, await loadFixtureWeights(f)] as const)));

describe.each(FIXTURES)('DPO on %s', (fixture) => {
  const w = WEIGHTS.get(fixture)!;
  const pairs = fixturePairs(fixture);
  const expected = fixtureJson<Record<string, number>>(fixture, 'dpo_expected.json');
  const policy = pairs.map((p) => ({
    chosen: sequenceLogprob(w, p.prompt_ids, p.chosen_ids, true),
    rejected: sequenceLogprob(w, p.prompt_ids, p.rejected_ids, true),
  }));
  const reference = pairs.map((p) => ({
    chosen: sequenceLogprob(w, p.prompt_ids, p.chosen_ids, false).logprob,
    rejected: sequenceLogprob(w, p.prompt_ids, p.rejected_ids, false).logprob,
  }));
  const result = dpoLoss(
    policy.map((p, i) => ({
      policyChosen: p.chosen.logprob, policyRejected: p.rejected.logprob,
      referenceChosen: reference[i].chosen, referenceRejected: reference[i].rejected,
    })),
    { beta: expected.beta },
  );

  it('mean loss and TRL metrics match dpo_expected.json', () => {
    // log-probs agree to ~1e-7 relative (model.test.ts); the loss and rewards are smooth in them
    for (const key of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/margins']) {
      const rel = Math.abs(result.metrics[key] - expected[key]) / Math.abs(expected[key]);
      console.log(`${fixture} ${key}: ${result.metrics[key]} vs ${expected[key]} (relative ${rel.toExponential(2)})`);
      expect(rel).toBeLessThan(2e-5); // measured up to 1.5e-6 (rewards/rejected, a small difference of sums)
    }
    expect(result.loss).toBe(result.metrics.loss);
    expect(result.metrics['rewards/accuracies']).toBe(expected['rewards/accuracies']);
  });

  it('adapter gradients of the mean loss match dpo_grads_expected.safetensors', () => {
    const grads = new Map<string, Float64Array>();
    policy.forEach((p, i) => {
      addGrads(grads, referenceBackward(w, p.chosen.tape, { targets: p.chosen.targets, scale: result.dPolicyChosen[i] }));
      addGrads(grads, referenceBackward(w, p.rejected.tape, { targets: p.rejected.targets, scale: result.dPolicyRejected[i] }));
    });
    const want = fixtureGrads(fixture);
    expect([...grads.keys()].sort()).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const [name, g] of want) {
      const rel = relativeErrorByNorm(grads.get(name)!, g);
      worst = Math.max(worst, rel);
    }
    console.log(`${fixture}: worst relative gradient error by norm over ${want.size} adapter tensors ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(6e-6); // measured 5.4e-7 (f32), 5.8e-7 (bf16)
  });
});
