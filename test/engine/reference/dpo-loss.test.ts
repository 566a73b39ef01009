// The DPO loss math: closed forms, derivatives against finite differences (all f64), metrics, bad input.
import { describe, expect, it } from 'vitest';
import { dpoLoss, logSigmoid, type DpoOptions, type DpoPairLogps } from '../../../src/engine/train/dpo-loss.ts';

const PAIRS: DpoPairLogps[] = [
  { policyChosen: -12.5, policyRejected: -20.25, referenceChosen: -13, referenceRejected: -19, chosenTokens: 6 },
  { policyChosen: -30, policyRejected: -8, referenceChosen: -29, referenceRejected: -9.5, chosenTokens: 11 },
  { policyChosen: -4, policyRejected: -4.5, referenceChosen: -4, referenceRejected: -4.5, chosenTokens: 2 },
];

/** Central difference of the mean loss in the policy log-prob `key` of pair i (f64: step 1e-5, error ~1e-10). */
function numericDerivative(options: DpoOptions, i: number, key: 'policyChosen' | 'policyRejected'): number {
  const h = 1e-5;
  const at = (delta: number) => dpoLoss(PAIRS.map((p, j) => (j === i ? { ...p, [key]: p[key] + delta } : p)), options).loss;
  return (at(h) - at(-h)) / (2 * h);
}

describe('dpoLoss', () => {
  it('sigmoid loss equals −log σ(β·h) averaged over the batch, with TRL metrics', () => {
    const { loss, metrics } = dpoLoss(PAIRS);
    const h = PAIRS.map((p) => p.policyChosen - p.referenceChosen - (p.policyRejected - p.referenceRejected));
    const want = h.reduce((s, x) => s - Math.log(1 / (1 + Math.exp(-0.1 * x))), 0) / 3;
    expect(loss).toBeCloseTo(want, 12);
    expect(metrics.loss).toBe(loss);
    expect(metrics['rewards/chosen']).toBeCloseTo((0.1 * (0.5 - 1 + 0)) / 3, 12);
    expect(metrics['rewards/rejected']).toBeCloseTo((0.1 * (-1.25 + 1.5 + 0)) / 3, 12);
    expect(metrics['rewards/margins']).toBeCloseTo(metrics['rewards/chosen'] - metrics['rewards/rejected'], 12);
    expect(metrics['rewards/accuracies']).toBeCloseTo(1 / 3, 12); // pair 3 ties: not counted as correct
    expect(metrics['logps/chosen']).toBeCloseTo(-46.5 / 3, 12);
    expect(metrics['logps/rejected']).toBeCloseTo(-32.75 / 3, 12);
    expect(metrics.nll_loss).toBeUndefined();
  });

  it('at h = 0 the loss is log 2 whatever β', () => {
    expect(dpoLoss([PAIRS[2]], { beta: 0.7 }).loss).toBeCloseTo(Math.LN2, 14);
  });

  for (const options of [{}, { beta: 0.5 }, { labelSmoothing: 0.2 }, { rpoAlpha: 1.5 }, { beta: 0.3, labelSmoothing: 0.1, rpoAlpha: 0.5 }] as DpoOptions[]) {
    it(`derivatives match finite differences with ${JSON.stringify(options)}`, () => {
      const r = dpoLoss(PAIRS, options);
      let worst = 0;
      PAIRS.forEach((_, i) => {
        worst = Math.max(worst, Math.abs(r.dPolicyChosen[i] - numericDerivative(options, i, 'policyChosen')));
        worst = Math.max(worst, Math.abs(r.dPolicyRejected[i] - numericDerivative(options, i, 'policyRejected')));
      });
      // f64 central differences with step 1e-5 are accurate to ~1e-10 on these O(0.1) derivatives
      expect(worst).toBeLessThan(1e-8);
    });
  }

  it('label smoothing: cDPO form −(1−ε)·log σ(βh) − ε·log σ(−βh)', () => {
    const p = PAIRS[0];
    const z = 0.1 * (p.policyChosen - p.referenceChosen - (p.policyRejected - p.referenceRejected));
    expect(dpoLoss([p], { labelSmoothing: 0.25 }).loss).toBeCloseTo(-0.75 * logSigmoid(z) - 0.25 * logSigmoid(-z), 14);
  });

  it('RPO adds α times the NLL per chosen token of the batch', () => {
    const base = dpoLoss(PAIRS).loss;
    const { loss, metrics } = dpoLoss(PAIRS, { rpoAlpha: 2 });
    const nll = 46.5 / 19;
    expect(metrics.nll_loss).toBeCloseTo(nll, 12);
    expect(loss).toBeCloseTo(base + 2 * nll, 12);
  });

  it('stays finite for extreme margins', () => {
    const far = { policyChosen: -1e4, policyRejected: 0, referenceChosen: 0, referenceRejected: 0 };
    const r = dpoLoss([far]);
    expect(r.loss).toBeCloseTo(1000, 6);
    expect(r.dPolicyChosen[0]).toBeCloseTo(-0.1, 12);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => dpoLoss([])).toThrow(/empty batch/);
    expect(() => dpoLoss(PAIRS, { beta: 0 })).toThrow(/beta/);
    expect(() => dpoLoss(PAIRS, { labelSmoothing: 0.5 })).toThrow(/labelSmoothing/);
    expect(() => dpoLoss([{ ...PAIRS[0], policyChosen: Number.NaN }])).toThrow(/pair 0: policyChosen/);
    expect(() => dpoLoss([{ ...PAIRS[0], chosenTokens: undefined }], { rpoAlpha: 1 })).toThrow(/pair 0: chosenTokens/);
  });
});
