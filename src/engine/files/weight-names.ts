// The Hugging Face tensor names and shapes of a Llama / Qwen2 checkpoint (LlamaForCausalLM,
// Qwen2ForCausalLM state dicts). Linear weights are [out, in].
import type { ModelConfig } from './config.ts';

export type LinearModule = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';

export const LINEAR_MODULES: readonly LinearModule[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

/** `self_attn` or `mlp`: the block a linear module lives in. */
export function moduleBlock(module: LinearModule): 'self_attn' | 'mlp' {
  return module === 'gate_proj' || module === 'up_proj' || module === 'down_proj' ? 'mlp' : 'self_attn';
}

/** [inFeatures, outFeatures] of a linear module in this model. */
export function linearShape(config: Pick<ModelConfig, 'hiddenSize' | 'intermediateSize' | 'numHeads' | 'numKvHeads' | 'headDim'>, module: LinearModule): [number, number] {
  const hidden = config.hiddenSize;
  const queries = config.numHeads * config.headDim;
  const keyValues = config.numKvHeads * config.headDim;
  switch (module) {
    case 'q_proj': return [hidden, queries];
    case 'k_proj': return [hidden, keyValues];
    case 'v_proj': return [hidden, keyValues];
    case 'o_proj': return [queries, hidden];
    case 'gate_proj': return [hidden, config.intermediateSize];
    case 'up_proj': return [hidden, config.intermediateSize];
    case 'down_proj': return [config.intermediateSize, hidden];
  }
}

function hasBias(config: ModelConfig, module: LinearModule): boolean {
  if (module === 'q_proj' || module === 'k_proj' || module === 'v_proj') return config.attentionBias;
  if (module === 'o_proj') return config.oProjBias;
  return config.mlpBias;
}

/** Every tensor the model needs, name → shape, in checkpoint order (embeddings, layers, final norm, head). */
export function expectedWeightShapes(config: ModelConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const hidden = config.hiddenSize;
  shapes.set('model.embed_tokens.weight', [config.vocabSize, hidden]);
  for (let layer = 0; layer < config.numLayers; layer++) {
    const prefix = `model.layers.${layer}`;
    shapes.set(`${prefix}.input_layernorm.weight`, [hidden]);
    shapes.set(`${prefix}.post_attention_layernorm.weight`, [hidden]);
    for (const module of LINEAR_MODULES) {
      const [inFeatures, outFeatures] = linearShape(config, module);
      const name = `${prefix}.${moduleBlock(module)}.${module}`;
      shapes.set(`${name}.weight`, [outFeatures, inFeatures]);
      if (hasBias(config, module)) shapes.set(`${name}.bias`, [outFeatures]);
    }
  }
  shapes.set('model.norm.weight', [hidden]);
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [config.vocabSize, hidden]);
  return shapes;
}
