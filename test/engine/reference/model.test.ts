// The reference model against log-probs computed by PyTorch (float64) on the same tiny Qwen2 checkpoint.
import { describe, expect, it } from 'vitest';
import { referenceForward, referenceLogprob } from '../../../src/engine/reference/model.ts';
import { fixtureJson, fixtureLogprobInputs, loadFixtureWeights, type FixtureName } from './torch-fixture.ts';

// Our forward is f32 with f64 accumulation, PyTorch ran in f64: measured 4e-8 to 6e-8 relative on the sums;
// ten times that (a misplaced RMSNorm epsilon moves them by ~1e-5).
const RELATIVE_TOLERANCE = 6e-7;

const FIXTURES: FixtureName[] = ['qwen2-fixture-f32', 'qwen2-fixture-bf16'];
const WEIGHTS = new Map(await Promise.all(FIXTURES.map(async (f) => [f, await loadFixtureWeights(f)] as const)));

describe.each(FIXTURES)('reference model on %s', (fixture) => {
  const weights = WEIGHTS.get(fixture)!;
  const inputs = fixtureLogprobInputs(fixture);

  for (const [file, loraEnabled] of [['logprob_expected.json', false], ['logprob_expected_adapter.json', true]] as const) {
    it(`matches ${file}`, () => {
      const expected = fixtureJson<number[]>(fixture, file);
      expect(expected.length).toBe(inputs.length);
      let worst = 0;
      inputs.forEach((row, i) => {
        const got = referenceLogprob(weights, row.prompt_ids, row.response_ids, { loraEnabled });
        worst = Math.max(worst, Math.abs(got - expected[i]) / Math.abs(expected[i]));
      });
      console.log(`${fixture} ${file}: max relative error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(RELATIVE_TOLERANCE);
    });
  }

  it('adapter off equals weights without an adapter', () => {
    const row = inputs[0];
    const tokens = [...row.prompt_ids, ...row.response_ids];
    const off = referenceForward(weights, tokens, { loraEnabled: false }).logits;
    const bare = referenceForward({ ...weights, lora: undefined }, tokens).logits;
    expect(Array.from(off)).toEqual(Array.from(bare));
    const on = referenceForward(weights, tokens).logits;
    expect(Array.from(on)).not.toEqual(Array.from(off));
  });

  it('rejects out-of-vocabulary tokens with a clear error', () => {
    expect(() => referenceForward(weights, [1, 99])).toThrow(/token 1 is 99/);
  });
});
