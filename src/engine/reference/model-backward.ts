// Backward pass of the reference model (model.ts) from a kept tape: gradients of a loss on the logits
// with respect to the LoRA tensors (PEFT names) and, for full-parameter training, every base tensor
// (Hugging Face names; a tied embedding table gets both its lm-head and its lookup contributions).
import {
  attentionBackwardRef, biasBackwardRef, embeddingBackwardRef, gatherLogprobBackwardRef, matmulBackwardInputRef,
  matmulBackwardWeightRef, rmsnormBackwardRef, ropeBackwardRef, swigluBackwardRef,
} from './backward.ts';
import {
  findLora, lmHeadName, linearName, loraName, requireTensor,
  type LayerTape, type ReferenceWeights, type Tape,
} from './model.ts';
import { linearShape, type LinearModule } from '../files/weight-names.ts';

/**
 * The loss to differentiate: either dL/dlogits directly ([T, V]), or
 * L = scale · Σ_t log softmax(logits[t])[targets[t]] over the rows whose target is not −1.
 */
export type ReferenceLoss = Float32Array | { targets: ArrayLike<number>; scale?: number };

export interface BackwardOptions {
  /** gradients of the LoRA tensors (default: when the tape was recorded with the adapter on) */
  lora?: boolean;
  /** gradients of every base tensor, for full-parameter training (default false) */
  base?: boolean;
}

/**
 * Inputs and targets for the log-prob of a response: the model reads prompt + response without its
 * last token, and row t predicts token t + 1; prompt rows before the last one have no target (−1).
 */
export function responseTargets(promptIds: number[], responseIds: number[]): { tokens: number[]; targets: number[] } {
  if (promptIds.length === 0) throw new Error('responseTargets: the prompt must have at least one token');
  const all = [...promptIds, ...responseIds];
  const tokens = all.slice(0, -1);
  const targets = tokens.map((_, t) => (t + 1 >= promptIds.length ? all[t + 1] : -1));
  return { tokens, targets };
}

/** Gradients accumulated by name (adds into an existing entry). */
class GradientSink {
  readonly grads = new Map<string, Float32Array>();
  add(name: string, g: Float32Array): void {
    const prev = this.grads.get(name);
    if (!prev) {
      this.grads.set(name, g);
      return;
    }
    for (let i = 0; i < g.length; i++) prev[i] += g[i];
  }
}

function upstreamGradient(tape: Tape, V: number, loss: ReferenceLoss): Float32Array {
  const T = tape.tokens.length;
  if (loss instanceof Float32Array) {
    if (loss.length !== T * V) throw new Error(`referenceBackward: dLogits has ${loss.length} elements, expected ${T}×${V}`);
    return loss;
  }
  if (loss.targets.length !== T) throw new Error(`referenceBackward: ${loss.targets.length} targets for ${T} tokens`);
  const scale = loss.scale ?? 1;
  const g = Array.from(loss.targets, (target) => (target < 0 ? 0 : scale));
  return gatherLogprobBackwardRef(tape.logits, loss.targets, g, V);
}

interface BackwardContext {
  w: ReferenceWeights;
  T: number;
  lora: boolean;
  base: boolean;
  sink: GradientSink;
}

/**
 * Backward of y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ with u = x·Aᵀ ([T, r]) from the tape:
 * dW = dyᵀ·x, db = Σ_t dy, dB = s·dyᵀ·u, du = s·dy·B, dA = duᵀ·x, dx = dy·W + du·A.
 * x: [T, in], dy: [T, out] → dx: [T, in]
 */
function linearBackward(ctx: BackwardContext, layer: number, module: LinearModule, x: Float32Array, dy: Float32Array, loraU: Map<LinearModule, Float32Array>): Float32Array {
  const { w, T } = ctx;
  const [inF, outF] = linearShape(w.config, module);
  const weightName = linearName(layer, module);
  const dx = matmulBackwardInputRef(dy, requireTensor(w, weightName, inF * outF), T, inF, outF);
  if (ctx.base) {
    ctx.sink.add(weightName, matmulBackwardWeightRef(dy, x, T, inF, outF));
    const biasName = linearName(layer, module, 'bias');
    if (w.tensors.has(biasName)) ctx.sink.add(biasName, biasBackwardRef(dy, T, outF));
  }
  const u = loraU.get(module);
  const pair = findLora(w.lora, layer, module);
  if (!u || !pair || !w.lora) return dx;
  const r = w.lora.config.r;
  const s = w.lora.config.alpha / r;
  const du = matmulBackwardInputRef(dy, pair.B, T, r, outF); // [T, r]
  for (let i = 0; i < du.length; i++) du[i] *= s;
  const dxLora = matmulBackwardInputRef(du, pair.A, T, inF, r); // [T, in]
  for (let i = 0; i < dx.length; i++) dx[i] += dxLora[i];
  if (ctx.lora) {
    const dB = matmulBackwardWeightRef(dy, u, T, r, outF); // [out, r]
    for (let i = 0; i < dB.length; i++) dB[i] *= s;
    ctx.sink.add(loraName(layer, module, 'A'), matmulBackwardWeightRef(du, x, T, inF, r));
    ctx.sink.add(loraName(layer, module, 'B'), dB);
  }
  return dx;
}

function addInto(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}

function rmsnormBackward(ctx: BackwardContext, name: string, x: Float32Array, dy: Float32Array): Float32Array {
  const H = ctx.w.config.hiddenSize;
  const { dx, dweight } = rmsnormBackwardRef(x, requireTensor(ctx.w, name, H), dy, ctx.T, H, ctx.w.config.rmsNormEps);
  if (ctx.base) ctx.sink.add(name, dweight);
  return dx;
}

/** One decoder layer backward. dOut: [T, H] (gradient of the layer's output) → gradient of its input x. */
function decoderLayerBackward(ctx: BackwardContext, l: number, lt: LayerTape, positions: number[], dOut: Float32Array): Float32Array {
  const c = ctx.w.config;
  // MLP block: out = h + down(swiglu(gate(n2), up(n2))), n2 = norm(h)
  const dAct = linearBackward(ctx, l, 'down_proj', lt.act, dOut, lt.loraU);
  const { dgate, dup } = swigluBackwardRef(lt.gate, lt.up, dAct);
  const dMlpNormed = addInto(
    linearBackward(ctx, l, 'gate_proj', lt.mlpNormed, dgate, lt.loraU),
    linearBackward(ctx, l, 'up_proj', lt.mlpNormed, dup, lt.loraU),
  );
  const dh = addInto(rmsnormBackward(ctx, `model.layers.${l}.post_attention_layernorm.weight`, lt.h, dMlpNormed), dOut);
  // attention block: h = x + o(attention(rope(q(n1)), rope(k(n1)), v(n1))), n1 = norm(x)
  const dAttn = linearBackward(ctx, l, 'o_proj', lt.attn, dh, lt.loraU);
  const { dq, dk, dv } = attentionBackwardRef(lt.qRoped, lt.kRoped, lt.v, dAttn, positions, c.numHeads, c.numKvHeads, c.headDim);
  const dqPre = ropeBackwardRef(dq, positions, c.numHeads, c.headDim, c.ropeTheta);
  const dkPre = ropeBackwardRef(dk, positions, c.numKvHeads, c.headDim, c.ropeTheta);
  const dAttnNormed = linearBackward(ctx, l, 'q_proj', lt.attnNormed, dqPre, lt.loraU);
  addInto(dAttnNormed, linearBackward(ctx, l, 'k_proj', lt.attnNormed, dkPre, lt.loraU));
  addInto(dAttnNormed, linearBackward(ctx, l, 'v_proj', lt.attnNormed, dv, lt.loraU));
  return addInto(rmsnormBackward(ctx, `model.layers.${l}.input_layernorm.weight`, lt.x, dAttnNormed), dh);
}

/**
 * Gradients of `loss` for the forward pass recorded in `tape` (from referenceForward with keepTape).
 * Returns LoRA gradients under PEFT names and, with `base`, base gradients under Hugging Face names.
 */
export function referenceBackward(w: ReferenceWeights, tape: Tape, loss: ReferenceLoss, options: BackwardOptions = {}): Map<string, Float32Array> {
  const c = w.config;
  if (tape.layers.length !== c.numLayers) throw new Error(`referenceBackward: the tape has ${tape.layers.length} layers, the model ${c.numLayers} (was keepTape set?)`);
  const T = tape.tokens.length;
  const H = c.hiddenSize;
  const V = c.vocabSize;
  const ctx: BackwardContext = {
    w, T,
    lora: (options.lora ?? tape.loraEnabled) && tape.loraEnabled,
    base: options.base ?? false,
    sink: new GradientSink(),
  };
  const dLogits = upstreamGradient(tape, V, loss);
  const head = lmHeadName(c);
  let dx = matmulBackwardInputRef(dLogits, requireTensor(w, head, V * H), T, H, V);
  if (ctx.base) ctx.sink.add(head, matmulBackwardWeightRef(dLogits, tape.finalNormed, T, H, V));
  dx = rmsnormBackward(ctx, 'model.norm.weight', tape.final, dx);
  for (let l = c.numLayers - 1; l >= 0; l--) dx = decoderLayerBackward(ctx, l, tape.layers[l], tape.positions, dx);
  if (ctx.base) ctx.sink.add('model.embed_tokens.weight', embeddingBackwardRef(dx, tape.tokens, V, H));
  return ctx.sink.grads;
}
