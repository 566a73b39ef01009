// The plain TypeScript reference of the whole Llama / Qwen2 decoder: the ground truth for the GPU model.
// Built on the forward ops of ops.ts (f32 arrays, f64 accumulation). One sequence, positions 0..T-1.
// With `keepTape`, every intermediate the backward pass needs is kept (see model-backward.ts).
import type { ModelConfig } from '../files/config.ts';
import { LINEAR_MODULES, linearShape, moduleBlock, type LinearModule } from '../files/weight-names.ts';
import { addRef, attentionRef, embeddingRef, gatherLogprobRef, matmulRef, rmsnormRef, ropeRef, swigluRef } from './ops.ts';

/** The fields of the model config the reference reads (any files/ ModelConfig fits). */
export type ReferenceModelConfig = Pick<ModelConfig,
  'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'headDim' |
  'vocabSize' | 'rmsNormEps' | 'ropeTheta' | 'tieWordEmbeddings'>;

/** One LoRA pair for a linear layer: A: [r, in], B: [out, r]. `module` is e.g. 'q_proj' (or 'self_attn.q_proj'). */
export interface ReferenceLoraLayer {
  layer: number;
  module: string;
  A: Float32Array;
  B: Float32Array;
}

/** LoRA adapter tensors (the shape of files/ LoraTensors). Scale alpha / r (PEFT without rsLoRA). */
export interface ReferenceLora {
  config: { r: number; alpha: number };
  layers: ReferenceLoraLayer[];
}

export interface ReferenceWeights {
  config: ReferenceModelConfig;
  /** Hugging Face names, e.g. `model.layers.0.self_attn.q_proj.weight` */
  tensors: Map<string, Float32Array>;
  lora?: ReferenceLora;
}


/** Intermediates of one decoder layer. T tokens, H hidden, nH·d query width, nKv·d key width, I intermediate. */
export interface LayerTape {
  x: Float32Array; // residual stream in: [T, H]
  attnNormed: Float32Array; // input_layernorm(x): [T, H]
  qRoped: Float32Array; // [T, nH·d]
  kRoped: Float32Array; // [T, nKv·d]
  v: Float32Array; // [T, nKv·d]
  attn: Float32Array; // attention output before o_proj: [T, nH·d]
  h: Float32Array; // x + o_proj(attn): [T, H]
  mlpNormed: Float32Array; // post_attention_layernorm(h): [T, H]
  gate: Float32Array; // [T, I]
  up: Float32Array; // [T, I]
  act: Float32Array; // silu(gate) · up: [T, I]
  /** per LoRA module, u = x · Aᵀ: [T, r] */
  loraU: Map<LinearModule, Float32Array>;
}

export interface Tape {
  tokens: number[];
  positions: number[];
  loraEnabled: boolean;
  layers: LayerTape[];
  final: Float32Array; // residual stream after the last layer: [T, H]
  finalNormed: Float32Array; // model.norm(final): [T, H]
  logits: Float32Array; // [T, V]
}

export interface ForwardOptions {
  keepTape?: boolean;
  /** apply the adapter when weights carry one (default true) */
  loraEnabled?: boolean;
}

/** Hugging Face name of a linear layer's weight (or bias). */
export function linearName(layer: number, module: LinearModule, kind: 'weight' | 'bias' = 'weight'): string {
  return `model.layers.${layer}.${moduleBlock(module)}.${module}.${kind}`;
}

/** PEFT name of a LoRA tensor, e.g. `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`. */
export function loraName(layer: number, module: LinearModule, which: 'A' | 'B'): string {
  return `base_model.model.model.layers.${layer}.${moduleBlock(module)}.${module}.lora_${which}.weight`;
}

/** The module key of a LoRA layer entry ('q_proj' from 'q_proj' or 'self_attn.q_proj'). */
export function loraModuleKey(module: string): LinearModule {
  const key = module.split('.').pop()!;
  if (!(LINEAR_MODULES as readonly string[]).includes(key)) throw new Error(`LoRA module '${module}' is not one of ${LINEAR_MODULES.join(', ')}`);
  return key as LinearModule;
}

/** Finds the LoRA pair of (layer, module), or undefined. */
export function findLora(lora: ReferenceLora | undefined, layer: number, module: LinearModule): ReferenceLoraLayer | undefined {
  return lora?.layers.find((l) => l.layer === layer && loraModuleKey(l.module) === module);
}

/** The tensor `name`, checked against its expected element count. */
export function requireTensor(w: ReferenceWeights, name: string, numel: number): Float32Array {
  const t = w.tensors.get(name);
  if (!t) throw new Error(`reference model: missing tensor '${name}'`);
  if (t.length !== numel) throw new Error(`reference model: tensor '${name}' has ${t.length} elements, expected ${numel}`);
  return t;
}


/** The name of the output projection: the embedding table when tied. */
export function lmHeadName(c: ReferenceModelConfig): string {
  return c.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
}

/**
 * One linear layer with optional bias and LoRA: y = x·Wᵀ + b + (alpha/r)·(x·Aᵀ)·Bᵀ.
 * x: [T, in] → y: [T, out]. Records u = x·Aᵀ ([T, r]) into `loraU` when a tape is kept.
 */
function linear(w: ReferenceWeights, layer: number, module: LinearModule, x: Float32Array, T: number, lora: boolean, loraU?: Map<LinearModule, Float32Array>): Float32Array {
  const [inF, outF] = linearShape(w.config, module);
  const weight = requireTensor(w, linearName(layer, module), inF * outF);
  const biasName = linearName(layer, module, 'bias');
  const bias = w.tensors.has(biasName) ? requireTensor(w, biasName, outF) : undefined;
  const y = matmulRef(x, weight, T, inF, outF, bias);
  const pair = lora ? findLora(w.lora, layer, module) : undefined;
  if (!pair || !w.lora) return y;
  const r = w.lora.config.r;
  if (pair.A.length !== r * inF || pair.B.length !== outF * r) {
    throw new Error(`reference model: LoRA layer ${layer} ${module}: A has ${pair.A.length} elements (expected ${r}×${inF}), B has ${pair.B.length} (expected ${outF}×${r})`);
  }
  const u = matmulRef(x, pair.A, T, inF, r); // [T, r]
  const delta = matmulRef(u, pair.B, T, r, outF); // [T, out]
  const scale = w.lora.config.alpha / r;
  for (let i = 0; i < y.length; i++) y[i] += scale * delta[i];
  loraU?.set(module, u);
  return y;
}

function checkConfig(c: ReferenceModelConfig): void {
  if (c.numHeads % c.numKvHeads !== 0) throw new Error(`reference model: numHeads ${c.numHeads} is not a multiple of numKvHeads ${c.numKvHeads}`);
  if (c.headDim % 2 !== 0) throw new Error(`reference model: headDim ${c.headDim} must be even for RoPE`);
}

function checkTokens(tokens: number[], V: number): void {
  if (tokens.length === 0) throw new Error('reference model: no tokens');
  tokens.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= V) throw new Error(`reference model: token ${i} is ${t}, outside the vocabulary [0, ${V})`);
  });
}

/** One decoder layer: pre-norm attention and pre-norm SwiGLU MLP, each with a residual. x: [T, H] → [T, H] */
function decoderLayer(w: ReferenceWeights, l: number, x: Float32Array, positions: number[], lora: boolean, keep: boolean): { out: Float32Array; tape?: LayerTape } {
  const c = w.config;
  const T = positions.length;
  const H = c.hiddenSize;
  const loraU = new Map<LinearModule, Float32Array>();
  const u = keep ? loraU : undefined;
  const attnNormed = rmsnormRef(x, requireTensor(w, `model.layers.${l}.input_layernorm.weight`, H), T, H, c.rmsNormEps);
  const q = linear(w, l, 'q_proj', attnNormed, T, lora, u);
  const k = linear(w, l, 'k_proj', attnNormed, T, lora, u);
  const v = linear(w, l, 'v_proj', attnNormed, T, lora, u);
  const qRoped = ropeRef(q, positions, c.numHeads, c.headDim, c.ropeTheta);
  const kRoped = ropeRef(k, positions, c.numKvHeads, c.headDim, c.ropeTheta);
  const attn = attentionRef(qRoped, kRoped, v, positions, c.numHeads, c.numKvHeads, c.headDim);
  const h = addRef(x, linear(w, l, 'o_proj', attn, T, lora, u));
  const mlpNormed = rmsnormRef(h, requireTensor(w, `model.layers.${l}.post_attention_layernorm.weight`, H), T, H, c.rmsNormEps);
  const gate = linear(w, l, 'gate_proj', mlpNormed, T, lora, u);
  const up = linear(w, l, 'up_proj', mlpNormed, T, lora, u);
  const act = swigluRef(gate, up);
  const out = addRef(h, linear(w, l, 'down_proj', act, T, lora, u));
  const tape = keep ? { x, attnNormed, qRoped, kRoped, v, attn, h, mlpNormed, gate, up, act, loraU } : undefined;
  return { out, tape };
}

/** Logits of every position. tokens: [T] → logits: [T, V]. */
export function referenceForward(w: ReferenceWeights, tokens: number[], options: ForwardOptions = {}): { logits: Float32Array; tape?: Tape } {
  const c = w.config;
  checkConfig(c);
  checkTokens(tokens, c.vocabSize);
  const keep = options.keepTape ?? false;
  const lora = (options.loraEnabled ?? true) && w.lora !== undefined;
  const T = tokens.length;
  const H = c.hiddenSize;
  const positions = tokens.map((_, i) => i);
  let x = embeddingRef(requireTensor(w, 'model.embed_tokens.weight', c.vocabSize * H), tokens, H);
  const layers: LayerTape[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    const { out, tape } = decoderLayer(w, l, x, positions, lora, keep);
    if (tape) layers.push(tape);
    x = out;
  }
  const finalNormed = rmsnormRef(x, requireTensor(w, 'model.norm.weight', H), T, H, c.rmsNormEps);
  const logits = matmulRef(finalNormed, requireTensor(w, lmHeadName(c), c.vocabSize * H), T, H, c.vocabSize);
  const tape = keep ? { tokens: [...tokens], positions, loraEnabled: lora, layers, final: x, finalNormed, logits } : undefined;
  return { logits, tape };
}

/**
 * Sum over response tokens of log p(response[i] | prompt, response[<i]).
 * The logits at position P+i-1 predict token P+i (P = prompt length, which must be at least 1).
 */
export function referenceLogprob(w: ReferenceWeights, promptIds: number[], responseIds: number[], options: { loraEnabled?: boolean } = {}): number {
  if (promptIds.length === 0) throw new Error('referenceLogprob: the prompt must have at least one token');
  if (responseIds.length === 0) return 0;
  const tokens = [...promptIds, ...responseIds];
  const { logits } = referenceForward(w, tokens.slice(0, -1), options);
  const V = w.config.vocabSize;
  const P = promptIds.length;
  const rows = logits.subarray((P - 1) * V); // the last R rows: [R, V]
  const lp = gatherLogprobRef(rows, responseIds, V);
  let sum = 0;
  for (const x of lp) sum += x;
  return sum;
}
