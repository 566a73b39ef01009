// Generation and log-probs on the plain TypeScript reference model (device 'cpu'): no KV cache, every
// step recomputes each row from its first token. Slow; for checks on tiny models.
import { linearName, lmHeadName, referenceForward, referenceLogprob, type ReferenceLora, type ReferenceWeights } from '../reference/model.ts';
import type { ModelConfig } from '../files/config.ts';
import { LINEAR_MODULES, linearShape } from '../files/weight-names.ts';
import { dequantize, quantizeQ4, quantizeQ8 } from '../quant.ts';
import type { WeightDtype } from '../weights.ts';
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
function cpuLogprobs(weights: ReferenceWeights, items: { promptIds: number[]; responseIds: number[] }[]): { logprob: number; tokens: number }[] {
  return items.map((it) => ({ logprob: referenceLogprob(weights, it.promptIds, it.responseIds), tokens: it.responseIds.length }));
}

/**
 * Collects the checkpoint into memory for the reference model. With q8/q4 every linear weight (and the output
 * head) is replaced by its dequantized values, the numbers the GPU kernels multiply by; the embedding lookup
 * stays f32 as on the GPU, so tied embeddings get an untied quantized head.
 */
export async function cpuBackend(
  config: ModelConfig, tensors: TensorStream, lora: ReferenceLora | undefined, dtype: WeightDtype = 'f32',
): Promise<Backend> {
  const map = new Map<string, Float32Array>();
  for await (const t of tensors) map.set(t.name, t.data);
  const used = dtype === 'f32' ? config : { ...config, tieWordEmbeddings: false };
  if (dtype !== 'f32') quantizeLinears(config, map, dtype);
  const weights: ReferenceWeights = { config: used, tensors: map, lora };
  return {
    device: `cpu (reference, ${dtype})`,
    decoder: new CpuDecoder(weights, config.maxPositionEmbeddings),
    logprobs: async (items) => cpuLogprobs(weights, items),
    dispose: () => map.clear(),
  };
}

/** Replaces each linear weight and the output head in `map` by dequantize(quantize(W)), as uploadWeight packs them. */
function quantizeLinears(config: ModelConfig, map: Map<string, Float32Array>, dtype: 'q8' | 'q4'): void {
  const roundTrip = (w: Float32Array, rows: number, cols: number) => dequantize(dtype === 'q8' ? quantizeQ8(w, rows, cols) : quantizeQ4(w, rows, cols));
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const module of LINEAR_MODULES) {
      const name = linearName(layer, module);
      const [inF, outF] = linearShape(config, module);
      map.set(name, roundTrip(map.get(name)!, outF, inF));
    }
  }
  const head = map.get(lmHeadName(config))!;
  map.set('lm_head.weight', roundTrip(head, config.vocabSize, config.hiddenSize));
}
