// DPO on the GPU: sequence log-probs of preference pairs from the trainable model, the loss on the CPU
// (a few scalars per pair, dpo-loss.ts), and its gradient sent back through the model.
// The reference model is the same base with the adapter switched off; its log-probs are computed once per pair.
import type { Tensor } from '../runtime.ts';
import { dpoLoss, type DpoOptions, type DpoPairLogps } from './dpo-loss.ts';
import type { DpoPair } from './examples.ts';
import { microBatches } from './micro-batches.ts';
import { LENGTH_BUCKET, paddedLength } from './padding.ts';
import type { TrainableModel, TrainBatch } from './trainable.ts';

/** Sequence log-probs of the reference model, per pair. */
export interface ReferenceLogps {
  chosen: number;
  rejected: number;
}

/** A batch of 2·P rows (chosen, rejected, chosen, ...): each row is prompt + answer without its last token. */
export function pairBatch(pairs: DpoPair[]): { batch: TrainBatch; owner: number[] } {
  const seqs = pairs.flatMap((p) => [
    { prompt: p.prompt, answer: p.chosen },
    { prompt: p.prompt, answer: p.rejected },
  ]);
  return sequenceBatch(seqs);
}

/**
 * Rows of prompt + answer (last answer token dropped), right-padded to the longest row rounded up to a multiple
 * of `lengthBucket` (padding.ts); position P−1+j predicts answer[j]. owner[m]: the row of target m.
 */
export function sequenceBatch(seqs: { prompt: number[]; answer: number[] }[], lengthBucket = LENGTH_BUCKET): { batch: TrainBatch; owner: number[] } {
  const T = paddedLength(Math.max(...seqs.map((s) => s.prompt.length + s.answer.length - 1)), lengthBucket);
  const tokens: number[] = [];
  const rows: number[] = [];
  const targets: number[] = [];
  const owner: number[] = [];
  seqs.forEach((s, b) => {
    const all = [...s.prompt, ...s.answer];
    for (let t = 0; t < T; t++) tokens.push(t < all.length - 1 ? all[t] : 0);
    s.answer.forEach((tok, j) => {
      rows.push(b * T + s.prompt.length - 1 + j);
      targets.push(tok);
      owner.push(b);
    });
  });
  return { batch: { B: seqs.length, T, tokens, rows, targets }, owner };
}

/** Sums per-target log-probs into per-row sequence log-probs. */
function sumByOwner(logp: Float32Array, owner: number[], rows: number): number[] {
  const sums = new Array<number>(rows).fill(0);
  owner.forEach((b, m) => (sums[b] += logp[m]));
  return sums;
}

async function sequenceLogps(model: TrainableModel, pairs: DpoPair[], lora: boolean): Promise<number[]> {
  const { batch, owner } = pairBatch(pairs);
  const { logp } = model.forward(batch, { lora, keepTape: false });
  const values = await model.rt.readTensor(logp);
  model.rt.release(logp);
  return sumByOwner(values, owner, batch.B);
}

/** The shape of a pass over these pairs (two rows each). */
function pairShape(pairs: DpoPair[]) {
  const T = paddedLength(Math.max(...pairs.flatMap((p) => [p.prompt.length + p.chosen.length - 1, p.prompt.length + p.rejected.length - 1])));
  return { B: 2 * pairs.length, T, M: pairs.reduce((s, p) => s + p.chosen.length + p.rejected.length, 0) };
}

/** Reference log-probs (adapter off), computed in passes of at most `microBatch` pairs. */
export async function referenceLogps(model: TrainableModel, pairs: DpoPair[], microBatch: number): Promise<ReferenceLogps[]> {
  const out = new Array<ReferenceLogps>(pairs.length);
  for (const { items, positions } of microBatches(model, pairs, microBatch, pairShape)) {
    const sums = await sequenceLogps(model, items, false);
    positions.forEach((at, j) => (out[at] = { chosen: sums[2 * j], rejected: sums[2 * j + 1] }));
  }
  return out;
}

export interface DpoStepResult {
  /** TRL-named means over the pairs: loss, rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected */
  metrics: Record<string, number>;
}

/**
 * Adds the gradient of the mean DPO loss over `pairs` to the model's gradients (the caller zeroes them
 * and steps the optimizer), running at most `microBatch` pairs per forward/backward pass (fewer where they would not fit).
 */
export async function accumulateDpoGradients(
  model: TrainableModel, pairs: DpoPair[], reference: ReferenceLogps[], options: DpoOptions & { microBatch: number },
): Promise<DpoStepResult> {
  const rt = model.rt;
  const summed: Record<string, number> = {};
  const totals = { pairs: pairs.length, chosenTokens: pairs.reduce((s, p) => s + p.chosen.length, 0) };
  for (const { items: micro, positions } of microBatches(model, pairs, options.microBatch, pairShape)) {
    const { batch, owner } = pairBatch(micro);
    const { logp, tape } = model.forward(batch, { lora: true, keepTape: true });
    const sums = sumByOwner(await rt.readTensor(logp), owner, batch.B);
    rt.release(logp);
    const logps: DpoPairLogps[] = micro.map((p, j) => ({
      policyChosen: sums[2 * j],
      policyRejected: sums[2 * j + 1],
      referenceChosen: reference[positions[j]].chosen,
      referenceRejected: reference[positions[j]].rejected,
      chosenTokens: p.chosen.length,
    }));
    let result;
    try {
      result = dpoLoss(logps, options, totals); // this micro-batch's share of the whole batch's loss
    } catch (error) {
      model.releaseTape(tape);
      throw error;
    }
    const g = Float32Array.from(owner, (b) => (b % 2 === 0 ? result.dPolicyChosen[b >> 1] : result.dPolicyRejected[b >> 1]));
    const gTensor: Tensor = rt.tensor([g.length], g);
    model.backward(tape, gTensor);
    rt.release(gTensor);
    for (const [k, v] of Object.entries(result.metrics)) summed[k] = (summed[k] ?? 0) + v;
  }
  return { metrics: summed };
}
