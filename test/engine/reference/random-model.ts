// Tiny random Llama- and Qwen2-shaped models built in memory (seeded), for gradient checks.
import { LINEAR_MODULES, linearShape, type LinearModule } from '../../../src/engine/files/weight-names.ts';
import { linearName, type ReferenceModelConfig, type ReferenceWeights } from '../../../src/engine/reference/model.ts';
import { randomArray } from '../../helpers/gpu.ts';

export interface RandomModelSpec {
  config: ReferenceModelConfig;
  /** q/k/v biases (Qwen2) */
  qkvBias: boolean;
  loraModules: LinearModule[];
  loraRank: number;
  loraAlpha: number;
  seed: number;
}

/** Llama-shaped: untied head, no biases, GQA 4:2, query width (16) unlike the hidden size (12), LoRA on every linear. */
export const LLAMA_SPEC: RandomModelSpec = {
  config: {
    hiddenSize: 12, intermediateSize: 10, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 4,
    vocabSize: 11, rmsNormEps: 1e-5, ropeTheta: 10000, tieWordEmbeddings: false,
  },
  qkvBias: false,
  loraModules: [...LINEAR_MODULES],
  loraRank: 2,
  loraAlpha: 8,
  seed: 100,
};

/** Qwen2-shaped: tied embeddings, q/k/v biases, GQA 3:1, LoRA on q and v only. */
export const QWEN2_SPEC: RandomModelSpec = {
  config: {
    hiddenSize: 12, intermediateSize: 14, numLayers: 2, numHeads: 3, numKvHeads: 1, headDim: 4,
    vocabSize: 13, rmsNormEps: 1e-6, ropeTheta: 1000000, tieWordEmbeddings: true,
  },
  qkvBias: true,
  loraModules: ['q_proj', 'v_proj'],
  loraRank: 3,
  loraAlpha: 6,
  seed: 200,
};

/** Weights with entries of size ~1/sqrt(fan-in) so activations stay of order one. */
export function randomModel(spec: RandomModelSpec): ReferenceWeights {
  const c = spec.config;
  let seed = spec.seed;
  const rand = (n: number, scale: number, center = 0) => randomArray(n, seed++, center - scale, center + scale);
  const tensors = new Map<string, Float32Array>();
  const H = c.hiddenSize;
  tensors.set('model.embed_tokens.weight', rand(c.vocabSize * H, 1));
  if (!c.tieWordEmbeddings) tensors.set('lm_head.weight', rand(c.vocabSize * H, 0.5));
  tensors.set('model.norm.weight', rand(H, 0.2, 1));
  const layers = [];
  for (let l = 0; l < c.numLayers; l++) {
    tensors.set(`model.layers.${l}.input_layernorm.weight`, rand(H, 0.2, 1));
    tensors.set(`model.layers.${l}.post_attention_layernorm.weight`, rand(H, 0.2, 1));
    for (const module of [...LINEAR_MODULES]) {
      const [inF, outF] = linearShape(c, module);
      tensors.set(linearName(l, module), rand(inF * outF, 1.5 / Math.sqrt(inF)));
      if (spec.qkvBias && (module === 'q_proj' || module === 'k_proj' || module === 'v_proj')) {
        tensors.set(linearName(l, module, 'bias'), rand(outF, 0.3));
      }
    }
    for (const module of spec.loraModules) {
      const [inF, outF] = linearShape(c, module);
      // B is non-zero (unlike a fresh adapter) so that both A and B get gradients
      layers.push({ layer: l, module, A: rand(spec.loraRank * inF, 1 / Math.sqrt(inF)), B: rand(outF * spec.loraRank, 0.2) });
    }
  }
  return { config: c, tensors, lora: { config: { r: spec.loraRank, alpha: spec.loraAlpha }, layers } };
}
