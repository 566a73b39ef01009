// Supervised fine-tuning with cross-entropy on response tokens only: L = −(1/n) Σ log p(response token),
// n the number of response tokens in the batch; every token weighs the same across micro-batches.
import type { SftExample } from './examples.ts';
import { NonFiniteError } from './non-finite.ts';

/** The metrics accumulateSftGradients reports. */
export const SFT_METRIC_NAMES = ['loss', 'tokens'] as const;
import { sequenceBatch } from './dpo.ts';
import { microBatches } from './micro-batches.ts';
import { paddedLength } from './padding.ts';
import type { TrainableModel } from './trainable.ts';

export async function accumulateSftGradients(model: TrainableModel, examples: SftExample[], microBatch: number): Promise<Record<string, number>> {
  const rt = model.rt;
  const totalTokens = examples.reduce((s, e) => s + e.response.length, 0);
  let sumLogp = 0;
  const shape = (group: SftExample[]) => ({
    B: group.length,
    T: paddedLength(Math.max(...group.map((e) => e.prompt.length + e.response.length - 1))),
    M: group.reduce((s, e) => s + e.response.length, 0),
  });
  for (const { items: micro } of microBatches(model, examples, microBatch, shape)) {
    const { batch } = sequenceBatch(micro.map((e) => ({ prompt: e.prompt, answer: e.response })));
    const { logp, tape } = model.forward(batch, { keepTape: true });
    const values = await rt.readTensor(logp);
    rt.release(logp);
    const microSum = values.reduce((s, v) => s + v, 0);
    if (!Number.isFinite(microSum)) {
      model.releaseTape(tape);
      throw new NonFiniteError(`sft: the log-probs of a micro-batch sum to ${microSum}`);
    }
    sumLogp += microSum;
    const g = rt.tensor([batch.rows.length], new Float32Array(batch.rows.length).fill(-1 / totalTokens));
    model.backward(tape, g);
    rt.release(g);
  }
  return { loss: -sumLogp / totalTokens, tokens: totalTokens };
}
