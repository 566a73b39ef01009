// Finite-difference checks of the whole reference model's backward on tiny random Llama- and
// Qwen2-shaped models: LoRA gradients (PEFT names) and full-parameter gradients (Hugging Face names).
import { describe, expect, it } from 'vitest';
import { referenceBackward, responseTargets } from '../../../src/engine/reference/model-backward.ts';
import { loraModuleKey, loraName, referenceForward, type ReferenceWeights } from '../../../src/engine/reference/model.ts';
import { gatherLogprobRef } from '../../../src/engine/reference/ops.ts';
import { randomArray } from '../../helpers/gpu.ts';
import { gradientCheck, project } from './finite-difference.ts';
import { LLAMA_SPEC, QWEN2_SPEC, randomModel, type RandomModelSpec } from './random-model.ts';

// Through two layers in f32 the forward's rounding (~1e-7 relative on the loss) divided by the 1e-2 step
// leaves errors of 1e-4..5e-4 (measured); 2e-3 keeps a margin and still catches any wrong term (order 1).
const TOLERANCE = 2e-3;

/** The parameter array a gradient name refers to (PEFT LoRA names or Hugging Face names). */
function parameter(w: ReferenceWeights, name: string): Float32Array {
  const m = /^base_model\.model\.model\.layers\.(\d+)\.\w+\.(\w+)\.lora_([AB])\.weight$/.exec(name);
  if (!m) return w.tensors.get(name)!;
  const pair = w.lora!.layers.find((l) => l.layer === Number(m[1]) && loraModuleKey(l.module) === m[2])!;
  return m[3] === 'A' ? pair.A : pair.B;
}

/** Σ scale · log p(response) with the adapter on. */
function responseLoss(w: ReferenceWeights, tokens: number[], targets: number[], scale: number): number {
  const { logits } = referenceForward(w, tokens);
  const rows = targets.map((t) => Math.max(t, 0));
  const lp = gatherLogprobRef(logits, rows, w.config.vocabSize);
  return project(lp, targets.map((t) => (t < 0 ? 0 : scale)));
}

function checkAll(label: string, w: ReferenceWeights, grads: Map<string, Float32Array>, loss: () => number): void {
  let worst = 0;
  let worstName = '';
  for (const [name, g] of grads) {
    const err = gradientCheck(loss, parameter(w, name), g, 16);
    if (err > worst) [worst, worstName] = [err, name];
  }
  console.log(`${label}: ${grads.size} gradient tensors, worst relative error ${worst.toExponential(2)} (${worstName})`);
  expect(worst).toBeLessThan(TOLERANCE);
}

describe.each<[string, RandomModelSpec]>([['Llama-shaped', LLAMA_SPEC], ['Qwen2-shaped', QWEN2_SPEC]])('reference model backward, %s', (label, spec) => {
  const w = randomModel(spec);
  const V = spec.config.vocabSize;
  const prompt = [1, 4, 2];
  const response = [7, 3, 9, 0, 5];
  const { tokens, targets } = responseTargets(prompt, response);

  it('names a gradient for every base tensor and every LoRA tensor', () => {
    const { tape } = referenceForward(w, tokens, { keepTape: true });
    const grads = referenceBackward(w, tape!, { targets }, { base: true });
    const loraNames = w.lora!.layers.flatMap((l) => [loraName(l.layer, loraModuleKey(l.module), 'A'), loraName(l.layer, loraModuleKey(l.module), 'B')]);
    expect([...grads.keys()].sort()).toEqual([...w.tensors.keys(), ...loraNames].sort());
    for (const [name, g] of grads) expect(g.length, name).toBe(parameter(w, name).length);
  });

  it('log-prob loss: every gradient matches finite differences', () => {
    const scale = -0.7;
    const { tape } = referenceForward(w, tokens, { keepTape: true });
    const grads = referenceBackward(w, tape!, { targets, scale }, { base: true });
    checkAll(`${label} log-prob loss`, w, grads, () => responseLoss(w, tokens, targets, scale));
  });

  it('arbitrary dLogits: LoRA gradients only by default', () => {
    const dLogits = randomArray(tokens.length * V, spec.seed + 1);
    const { tape } = referenceForward(w, tokens, { keepTape: true });
    const grads = referenceBackward(w, tape!, dLogits);
    expect([...grads.keys()].every((n) => n.startsWith('base_model.'))).toBe(true);
    checkAll(`${label} dLogits loss`, w, grads, () => project(referenceForward(w, tokens).logits, dLogits));
  });

  it('adapter off: base gradients match, no LoRA gradients', () => {
    const { tape } = referenceForward(w, tokens, { keepTape: true, loraEnabled: false });
    const grads = referenceBackward(w, tape!, { targets }, { base: true, lora: true });
    expect([...grads.keys()].sort()).toEqual([...w.tensors.keys()].sort());
    const loss = () => {
      const { logits } = referenceForward(w, tokens, { loraEnabled: false });
      return project(gatherLogprobRef(logits, targets.map((t) => Math.max(t, 0)), V), targets.map((t) => (t < 0 ? 0 : 1)));
    };
    checkAll(`${label} adapter off`, w, grads, loss);
  });

  it('a tape without layers is refused', () => {
    const { logits } = referenceForward(w, tokens);
    const empty = { tokens, positions: tokens.map((_, i) => i), loraEnabled: true, layers: [], final: logits, finalNormed: logits, logits };
    expect(() => referenceBackward(w, empty, { targets })).toThrow(/keepTape/);
  });
});
