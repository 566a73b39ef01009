// Generation and log-probs on the plain TypeScript reference model (device 'cpu'): no KV cache, every
// step recomputes each row from its first token. Slow; for checks on tiny models.
import { referenceForward, referenceLogprob, type ReferenceLora, type ReferenceWeights } from '../reference/model.ts';
import type { Backend, TensorStream } from './backend.ts';
import type { Decoder, DecodeSession } from './decoder.ts';

/** Logits after the last token of `tokens`: [V] */
function lastLogits(weights: ReferenceWeights, tokens: number[]): Float32Array {
  const V = weights.config.vocabSize;
  const { logits } = referenceForward(weights, tokens);
  return logits.slice((tokens.length - 1) * V);
}

export class CpuDecoder implements Decoder {
  readonly vocabSize: number;

  constructor(private readonly weights: ReferenceWeights, readonly maxPositions: number) {
    this.vocabSize = weights.config.vocabSize;
  }

  maxRows(): number {
    return Infinity;
  }

  async start(prompts: number[][], copies: number): Promise<DecodeSession> {
    const V = this.vocabSize;
    const promptLogits = new Float32Array(prompts.length * V);
    prompts.forEach((p, i) => promptLogits.set(lastLogits(this.weights, p), i * V));
    let rows = prompts.flatMap((p) => Array.from({ length: copies }, () => p.slice()));
    const weights = this.weights;
    return {
      promptLogits,
      async step(tokens: number[]) {
        if (tokens.length !== rows.length) throw new Error(`step: ${tokens.length} tokens for ${rows.length} active rows`);
        const out = new Float32Array(rows.length * V);
        rows.forEach((row, i) => {
          row.push(tokens[i]);
          out.set(lastLogits(weights, row), i * V);
        });
        return out;
      },
      keep(keepRows: number[]) {
        rows = keepRows.map((i) => rows[i]);
      },
      dispose() {
        rows = [];
      },
    };
  }
}

/** Teacher-forced log-prob sums, one item at a time. */
export function cpuLogprobs(weights: ReferenceWeights, items: { promptIds: number[]; responseIds: number[] }[]): { logprob: number; tokens: number }[] {
  return items.map((it) => ({ logprob: referenceLogprob(weights, it.promptIds, it.responseIds), tokens: it.responseIds.length }));
}

/** Collects the checkpoint into memory for the reference model. */
export async function cpuBackend(config: ReferenceWeights['config'] & { maxPositionEmbeddings: number }, tensors: TensorStream, lora: ReferenceLora | undefined): Promise<Backend> {
  const map = new Map<string, Float32Array>();
  for await (const t of tensors) map.set(t.name, t.data);
  const weights: ReferenceWeights = { config, tensors: map, lora };
  return {
    device: 'cpu (reference)',
    decoder: new CpuDecoder(weights, config.maxPositionEmbeddings),
    logprobs: async (items) => cpuLogprobs(weights, items),
    dispose: () => map.clear(),
  };
}
