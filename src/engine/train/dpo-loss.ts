// The DPO loss on sequence log-probs (pure math, no GPU): the loss of a batch of preference pairs,
// its derivatives with respect to the policy's chosen / rejected log-probs, and TRL-named metrics.
import { NonFiniteError } from './non-finite.ts';

/** The metrics dpoLoss reports, in TRL's names and order (nll_loss only with RPO). */
export const DPO_METRIC_NAMES = ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected'] as const;

/** Sequence log-probs (sums over response tokens) of one preference pair. */
export interface DpoPairLogps {
  policyChosen: number;
  policyRejected: number;
  referenceChosen: number;
  referenceRejected: number;
  /** number of chosen response tokens; required when `rpoAlpha` > 0 */
  chosenTokens?: number;
}

export interface DpoOptions {
  /** β, the strength of the implicit KL penalty (default 0.1, TRL's default) */
  beta?: number;
  /** ε of conservative DPO (cDPO): the assumed probability that a preference label is flipped (default 0) */
  labelSmoothing?: number;
  /** α of RPO: weight of the NLL of the chosen answers added to the loss (default 0, off) */
  rpoAlpha?: number;
}

/**
 * The whole batch a set of pairs belongs to, when the pairs are one micro-batch of it: sums are divided by the
 * batch's pair count and its chosen-token count, so the micro-batches' losses, derivatives and metrics add up to
 * exactly those of the whole batch (gradient accumulation gives the same result as one pass).
 */
export interface DpoBatchTotals {
  pairs: number;
  /** chosen response tokens in the whole batch (the RPO term's normalizer) */
  chosenTokens: number;
}

export interface DpoResult {
  /** mean loss over the batch */
  loss: number;
  /** d loss / d policyChosen[i], per pair */
  dPolicyChosen: number[];
  /** d loss / d policyRejected[i], per pair */
  dPolicyRejected: number[];
  /** batch means, named as TRL's DPOTrainer logs them */
  metrics: Record<string, number>;
}

/** log σ(z), stable for large |z|. */
export function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** σ(z), stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function checkOptions(beta: number, eps: number, alpha: number): void {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new Error(`dpoLoss: beta must be a positive number, got ${beta}`);
  if (!(eps >= 0 && eps < 0.5)) throw new Error(`dpoLoss: labelSmoothing must be in [0, 0.5), got ${eps}`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`dpoLoss: rpoAlpha must be a non-negative number, got ${alpha}`);
}

function checkPair(p: DpoPairLogps, i: number, needTokens: boolean): void {
  for (const key of ['policyChosen', 'policyRejected', 'referenceChosen', 'referenceRejected'] as const) {
    if (!Number.isFinite(p[key])) throw new NonFiniteError(`dpoLoss: pair ${i}: ${key} is ${p[key]}, not a finite number`);
  }
  if (needTokens && !(Number.isInteger(p.chosenTokens) && p.chosenTokens! > 0)) {
    throw new Error(`dpoLoss: pair ${i}: chosenTokens must be a positive integer when rpoAlpha > 0, got ${p.chosenTokens}`);
  }
}

/**
 * DPO loss over the batch (the mean; with `totals`, this micro-batch's share of the whole batch's mean), Rafailov et al. 2023, eq. 7, with h = (πc − rc) − (πr − rr):
 *   ℓ = −(1 − ε)·log σ(βh) − ε·log σ(−βh)      (ε = 0: sigmoid DPO; ε > 0: cDPO, Mitchell 2023)
 *   dℓ/dh = −β·((1 − ε)·σ(−βh) − ε·σ(βh)),  dℓ/dπc = dℓ/dh,  dℓ/dπr = −dℓ/dh
 * With rpoAlpha = α (RPO, Pang et al. 2024) the loss adds α · NLL of the chosen answers, normalized as
 * TRL does: the mean over every chosen token of the batch, α · (−Σ_i πc_i) / Σ_i nc_i, so each πc_i gets
 * an extra −α / Σ nc. Σ runs over the whole batch (`totals`), not over one micro-batch.
 */
export function dpoLoss(pairs: DpoPairLogps[], options: DpoOptions = {}, totals?: DpoBatchTotals): DpoResult {
  const beta = options.beta ?? 0.1;
  const eps = options.labelSmoothing ?? 0;
  const alpha = options.rpoAlpha ?? 0;
  checkOptions(beta, eps, alpha);
  if (pairs.length === 0) throw new Error('dpoLoss: empty batch');
  pairs.forEach((p, i) => checkPair(p, i, alpha > 0));
  const n = totals?.pairs ?? pairs.length;
  let loss = 0;
  const dPolicyChosen: number[] = [];
  const dPolicyRejected: number[] = [];
  const sums = { chosen: 0, rejected: 0, accuracies: 0, margins: 0, logpsChosen: 0, logpsRejected: 0 };
  for (const p of pairs) {
    const rewardChosen = beta * (p.policyChosen - p.referenceChosen);
    const rewardRejected = beta * (p.policyRejected - p.referenceRejected);
    const z = rewardChosen - rewardRejected; // βh
    loss += (-(1 - eps) * logSigmoid(z) - eps * logSigmoid(-z)) / n;
    const dh = (-beta * ((1 - eps) * sigmoid(-z) - eps * sigmoid(z))) / n;
    dPolicyChosen.push(dh);
    dPolicyRejected.push(-dh);
    sums.chosen += rewardChosen;
    sums.rejected += rewardRejected;
    sums.accuracies += rewardChosen > rewardRejected ? 1 : 0;
    sums.margins += z;
    sums.logpsChosen += p.policyChosen;
    sums.logpsRejected += p.policyRejected;
  }
  const metrics: Record<string, number> = {
    'rewards/chosen': sums.chosen / n,
    'rewards/rejected': sums.rejected / n,
    'rewards/accuracies': sums.accuracies / n,
    'rewards/margins': sums.margins / n,
    'logps/chosen': sums.logpsChosen / n,
    'logps/rejected': sums.logpsRejected / n,
  };
  if (alpha > 0) {
    const tokens = totals?.chosenTokens ?? pairs.reduce((s, p) => s + p.chosenTokens!, 0);
    const nll = -pairs.reduce((s, p) => s + p.policyChosen, 0) / tokens;
    loss += alpha * nll;
    for (let i = 0; i < pairs.length; i++) dPolicyChosen[i] -= alpha / tokens;
    metrics.nll_loss = nll;
  }
  metrics.loss = loss;
  return { loss, dPolicyChosen, dPolicyRejected, metrics };
}
