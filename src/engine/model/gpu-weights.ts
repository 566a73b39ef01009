// Streams a checkpoint onto the GPU tensor by tensor: linear weights quantized to the chosen dtype,
// norms, biases and the embedding table kept f32. Hugging Face names route each tensor to its slot.
import type { ModelConfig } from '../files/config.ts';
import type { Runtime, Tensor } from '../runtime.ts';
import { LINEAR_MODULES, linearShape, moduleBlock, type LinearModule } from '../files/weight-names.ts';
import { loraModuleKey, type ReferenceLora } from '../reference/model.ts';
import { upload, type GpuWeight, type Linear, type WeightDtype } from './ops.ts';

export interface LayerWeights {
  inputNorm: Tensor; // [H]
  postNorm: Tensor; // [H]
  linears: Record<LinearModule, Linear>;
}

export interface GpuWeights {
  /** [V, H], f32 (shared with lmHead when the embeddings are tied and the dtype is f32) */
  embed: GpuWeight;
  finalNorm: Tensor; // [H]
  lmHead: Linear; // W [V, H]
  layers: LayerWeights[];
}

export interface CheckpointTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const LAYER_NAME = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.(weight|bias)$/;
const NORM_NAME = /^model\.layers\.(\d+)\.(input_layernorm|post_attention_layernorm)\.weight$/;

interface Pending {
  embed?: GpuWeight;
  finalNorm?: Tensor;
  lmHead?: Linear;
  norms: Map<string, Tensor>;
  weights: Map<string, Linear['weight']>;
  biases: Map<string, Tensor>;
}

function expectShape(name: string, shape: number[], expected: number[]): void {
  if (shape.length !== expected.length || shape.some((s, i) => s !== expected[i])) {
    throw new Error(`checkpoint tensor '${name}' has shape [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/** Uploads one checkpoint tensor to its slot; unknown names (e.g. rotary caches) are skipped. */
function place(rt: Runtime, c: ModelConfig, dtype: WeightDtype, t: CheckpointTensor, p: Pending): void {
  const H = c.hiddenSize;
  if (t.name === 'model.embed_tokens.weight') {
    expectShape(t.name, t.shape, [c.vocabSize, H]);
    p.embed = upload(rt, t.data, c.vocabSize, H, 'f32');
    if (c.tieWordEmbeddings) {
      const weight = dtype === 'f32' ? p.embed : upload(rt, t.data, c.vocabSize, H, dtype);
      p.lmHead = { weight, inF: H, outF: c.vocabSize };
    }
  } else if (t.name === 'lm_head.weight') {
    expectShape(t.name, t.shape, [c.vocabSize, H]);
    if (!c.tieWordEmbeddings) p.lmHead = { weight: upload(rt, t.data, c.vocabSize, H, dtype), inF: H, outF: c.vocabSize };
  } else if (t.name === 'model.norm.weight') {
    expectShape(t.name, t.shape, [H]);
    p.finalNorm = rt.tensor([H], t.data);
  } else if (NORM_NAME.test(t.name)) {
    expectShape(t.name, t.shape, [H]);
    p.norms.set(t.name, rt.tensor([H], t.data));
  } else {
    const m = LAYER_NAME.exec(t.name);
    if (!m || !(LINEAR_MODULES as readonly string[]).includes(m[3])) return;
    const [inF, outF] = linearShape(c, m[3] as LinearModule);
    if (m[4] === 'weight') {
      expectShape(t.name, t.shape, [outF, inF]);
      p.weights.set(t.name, upload(rt, t.data, outF, inF, dtype));
    } else {
      expectShape(t.name, t.shape, [outF]);
      p.biases.set(t.name, rt.tensor([outF], t.data));
    }
  }
}

function need<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`checkpoint has no tensor '${name}'`);
  return value;
}

function assemble(c: ModelConfig, p: Pending): GpuWeights {
  const layers: LayerWeights[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    const prefix = `model.layers.${l}`;
    const linears = {} as Record<LinearModule, Linear>;
    for (const module of LINEAR_MODULES) {
      const base = `${prefix}.${moduleBlock(module)}.${module}`;
      const [inF, outF] = linearShape(c, module);
      linears[module] = { weight: need(p.weights.get(`${base}.weight`), `${base}.weight`), inF, outF, bias: p.biases.get(`${base}.bias`) };
    }
    layers.push({
      inputNorm: need(p.norms.get(`${prefix}.input_layernorm.weight`), `${prefix}.input_layernorm.weight`),
      postNorm: need(p.norms.get(`${prefix}.post_attention_layernorm.weight`), `${prefix}.post_attention_layernorm.weight`),
      linears,
    });
  }
  return {
    embed: need(p.embed, 'model.embed_tokens.weight'),
    finalNorm: need(p.finalNorm, 'model.norm.weight'),
    lmHead: need(p.lmHead, c.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'),
    layers,
  };
}

/** Uploads every tensor of the checkpoint as it arrives (only one tensor is on the CPU at a time). */
export async function uploadCheckpoint(rt: Runtime, config: ModelConfig, dtype: WeightDtype, tensors: AsyncIterable<CheckpointTensor> | Iterable<CheckpointTensor>): Promise<GpuWeights> {
  const pending: Pending = { norms: new Map(), weights: new Map(), biases: new Map() };
  for await (const t of tensors) place(rt, config, dtype, t, pending);
  return assemble(config, pending);
}

/** Attaches a LoRA adapter (A: [r, in], B: [out, r], scale alpha / r) to its target linear layers. */
export function attachLora(rt: Runtime, config: ModelConfig, weights: GpuWeights, lora: ReferenceLora): void {
  const { r, alpha } = lora.config;
  if (!Number.isInteger(r) || r < 1) throw new Error(`LoRA adapter: r must be a positive integer, got ${r}`);
  for (const pair of lora.layers) {
    const module = loraModuleKey(pair.module);
    if (!(pair.layer >= 0 && pair.layer < config.numLayers)) throw new Error(`LoRA adapter: layer ${pair.layer} does not exist (the model has ${config.numLayers})`);
    const [inF, outF] = linearShape(config, module);
    if (pair.A.length !== r * inF) throw new Error(`LoRA adapter: layer ${pair.layer} ${module} A has ${pair.A.length} values, expected ${r}×${inF}`);
    if (pair.B.length !== outF * r) throw new Error(`LoRA adapter: layer ${pair.layer} ${module} B has ${pair.B.length} values, expected ${outF}×${r}`);
    weights.layers[pair.layer].linears[module].lora = {
      A: rt.tensor([r, inF], pair.A),
      B: rt.tensor([outF, r], pair.B),
      r,
      scale: alpha / r,
    };
  }
}
