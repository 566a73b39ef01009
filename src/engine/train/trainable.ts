// The decoder on the GPU for training: a forward pass over a padded batch that keeps the activations
// the backward pass needs (the tape), and the backward pass itself, accumulating gradients of the
// trainable tensors: the LoRA pairs (base frozen, any dtype) or every base tensor (full training, f32).
// The loss enters as g[m] = dL/d logp(target m): the model only ever computes per-token log-probs.
import type { ModelConfig } from '../files/config.ts';
import { numel, type Runtime, type Tensor } from '../runtime.ts';
import { attention } from '../kernels/attention.ts';
import { attentionBackward } from '../kernels/attention_backward.ts';
import { dropout, dropoutThreshold } from '../kernels/dropout.ts';
import { axpy } from '../kernels/elementwise.ts';
import { embeddingBackward } from '../kernels/embedding_backward.ts';
import { gatherLogprobBackward } from '../kernels/logsoftmax_backward.ts';
import { matmulTT } from '../kernels/matmul.ts';
import { biasBackward, matmulBackwardInput, matmulBackwardWeight } from '../kernels/matmul_backward.ts';
import { rmsnormBackward } from '../kernels/rmsnorm_backward.ts';
import { ropeBackward } from '../kernels/rope_backward.ts';
import { swigluBackward } from '../kernels/swiglu_backward.ts';
import { LINEAR_MODULES, type LinearModule } from '../files/weight-names.ts';
import { mixSeed } from '../../util/mix-seed.ts';
import { lmHeadName, linearName, loraName } from '../reference/model.ts';
import type { GpuWeights, LayerWeights } from '../model/gpu-weights.ts';
import { decoderLayer, type LayerActivations } from '../model/decoder-layer.ts';
import { embed, gatherLogprob, linear, lowRankIn, lowRankOut, pickRows, rmsnorm, type Linear, type LowRank } from '../model/ops.ts';

export type TrainMode = 'lora' | 'full';

/** A padded batch: B rows of T tokens; targets[m] is predicted at flat row rows[m] (b·T + t). */
export interface TrainBatch {
  B: number;
  T: number;
  tokens: number[]; // [B·T]
  rows: number[]; // [M]
  targets: number[]; // [M]
}

/** A trainable tensor: its name (PEFT name for LoRA, Hugging Face name for full training), value and gradient. */
export interface Parameter {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/** A layer's activations (decoder-layer.ts; k = the keys [B, T, nKv·d]), attention's lse and what its LoRA modules kept. */
interface LayerTape extends LayerActivations {
  lse: Tensor; // [B, T, nH]: log Σ_j exp(score), which the attention backward reads instead of recomputing it
  lora: Map<LinearModule, LoraActivations>;
}

/** What a LoRA module keeps for its backward pass. */
interface LoraActivations {
  u: Tensor; // u = dropout(x)·Aᵀ: [N, r]
  /** with dropout: the dropped input [N, in] and the mask's seed */
  dropped?: { x: Tensor; seed: number };
}

export interface TrainableOptions {
  /** LoRA dropout probability on the adapter's input (PEFT's lora_dropout); applied in training passes only */
  loraDropout?: number;
  /** seed of the dropout masks */
  seed?: number;
}

export interface Tape {
  batch: TrainBatch;
  lora: boolean;
  ids: GPUBuffer;
  positions: GPUBuffer;
  start: GPUBuffer;
  layers: LayerTape[];
  final: Tensor; // [N, H]
  finalPicked: Tensor; // [M, H]
  finalNormed: Tensor; // [M, H]
  logits: Tensor; // [M, V]
  lse: Tensor; // [M]
  targets: GPUBuffer; // u32 [M]
}


/** GPU memory one forward pass may keep for its backward pass. */
const TAPE_BYTES = 1024 * 1024 * 1024;

export class TrainableModel {
  readonly parameters: Parameter[] = [];
  private readonly byTensor = new Map<Tensor, Parameter>();

  private dropoutCalls = 0;

  constructor(
    readonly rt: Runtime, readonly config: ModelConfig, readonly weights: GpuWeights, readonly mode: TrainMode,
    readonly options: TrainableOptions = {},
  ) {
    dropoutThreshold(options.loraDropout ?? 0); // validates the probability
    if (mode === 'lora') this.collectLora();
    else this.collectFull();
  }

  private register(name: string, value: Tensor): void {
    const p = { name, value, grad: this.rt.zeros(value.shape) };
    this.parameters.push(p);
    this.byTensor.set(value, p);
  }

  private collectLora(): void {
    this.weights.layers.forEach((layer, l) => {
      for (const m of LINEAR_MODULES) {
        const lora = layer.linears[m].lora;
        if (!lora) continue;
        this.register(loraName(l, m, 'A'), lora.A);
        this.register(loraName(l, m, 'B'), lora.B);
      }
    });
    if (this.parameters.length === 0) throw new Error('LoRA training: the model has no adapter attached');
  }

  /** Full training works on the f32 weight buffers in place: they must be unpadded and in one part. */
  private weightTensor(name: string, w: Linear['weight']): Tensor {
    if (w.dtype !== 'f32' || w.parts.length !== 1 || w.stride !== w.cols) {
      throw new Error(`full-parameter training needs ${name} in f32, in one buffer, with in_features a multiple of 4 (got ${w.dtype}, ${w.parts.length} part(s), ${w.cols} inputs)`);
    }
    w.trainedInPlace = true;
    return { buffer: w.parts[0].data, shape: [w.rows, w.cols] };
  }

  private collectFull(): void {
    const c = this.config;
    const w = this.weights;
    this.register('model.embed_tokens.weight', this.weightTensor('model.embed_tokens.weight', w.embed));
    w.layers.forEach((layer, l) => {
      this.register(`model.layers.${l}.input_layernorm.weight`, layer.inputNorm);
      this.register(`model.layers.${l}.post_attention_layernorm.weight`, layer.postNorm);
      for (const m of LINEAR_MODULES) {
        const lin = layer.linears[m];
        if (lin.lora) throw new Error('full-parameter training: detach the LoRA adapter first (fold it into the weights)');
        this.register(linearName(l, m), this.weightTensor(linearName(l, m), lin.weight));
        if (lin.bias) this.register(linearName(l, m, 'bias'), lin.bias);
      }
    });
    this.register('model.norm.weight', w.finalNorm);
    if (!c.tieWordEmbeddings) this.register(lmHeadName(c), this.weightTensor(lmHeadName(c), w.lmHead.weight));
  }

  /** The gradient of a weight or LoRA tensor when it is trained, else undefined. */
  private gradOf(t: Tensor | undefined): Tensor | undefined {
    return t ? this.byTensor.get(t)?.grad : undefined;
  }

  private gradOfWeight(w: Linear['weight']): Tensor | undefined {
    if (this.mode !== 'full') return undefined;
    return this.parameters.find((p) => p.value.buffer === w.parts[0]?.data)?.grad;
  }

  /**
   * Whether a batch of B rows of T tokens with M targets fits: every tensor within the binding limit, the
   * logits [M, V] included, and the tape (about L · (3H + 2·nH·d + 2·nKv·d + 3I + nH) floats per token) within TAPE_BYTES.
   */
  fits(B: number, T: number, M: number): boolean {
    const c = this.config;
    const N = B * T;
    const q = c.numHeads * c.headDim;
    const kv = c.numKvHeads * c.headDim;
    const limit = this.rt.gpu.limits.maxStorageBufferBindingSize;
    const widest = 4 * Math.max(N * Math.max(c.hiddenSize, q, c.intermediateSize), M * c.vocabSize);
    const tape = 4 * (N * c.numLayers * (3 * c.hiddenSize + 2 * q + 2 * kv + 3 * c.intermediateSize + c.numHeads) + 2 * M * c.vocabSize);
    return widest <= limit && tape <= TAPE_BYTES;
  }

  zeroGrads(): void {
    for (const p of this.parameters) this.rt.fill(p.grad.buffer, 0, numel(p.grad.shape) * 4);
  }

  private u32(values: ArrayLike<number>): GPUBuffer {
    const data = Uint32Array.from(values);
    const b = this.rt.buffer(Math.max(4, data.byteLength));
    this.rt.write(b, data);
    return b;
  }

  /**
   * Records the forward pass; returns log p(targets[m]) at rows[m] ([M], read it or pass its gradient to
   * backward) and the tape. `lora: false` runs the base model (DPO's reference). LoRA dropout applies to
   * passes that keep their tape (training), with fresh masks each pass unless `dropoutSeed` fixes them.
   */
  forward(batch: TrainBatch, options: { lora?: boolean; keepTape?: boolean; dropoutSeed?: number } = {}): { logp: Tensor; tape: Tape } {
    const rt = this.rt;
    const c = this.config;
    const { B, T } = batch;
    checkBatch(batch, c.vocabSize);
    const N = B * T;
    const lora = options.lora ?? true;
    const p = this.options.loraDropout ?? 0;
    const dropoutSeed = p > 0 && lora && options.keepTape ? options.dropoutSeed ?? mixSeed(this.options.seed ?? 0, this.dropoutCalls++) : undefined;
    const ids = this.u32(batch.tokens);
    const positions = this.u32(batch.tokens.map((_, i) => i % T));
    const start = this.u32(new Array<number>(B).fill(0));
    const keep = options.keepTape ?? false;
    let x = embed(rt, this.weights.embed, ids, N);
    const layers: LayerTape[] = [];
    this.weights.layers.forEach((layer, l) => {
      const layerSeed = dropoutSeed === undefined ? undefined : mixSeed(dropoutSeed, l);
      const { tape, out } = this.layerForward(layer, x, { B, T, positions, start, lora, keep, dropoutSeed: layerSeed });
      if (tape) layers.push(tape);
      else rt.release(x); // without a tape the layer's input is not needed again
      x = out;
    });
    const final = x;
    const finalPicked = pickRows(rt, final, batch.rows, c.hiddenSize); // [M, H]
    const M = batch.rows.length;
    const finalNormed = rmsnorm(rt, finalPicked, this.weights.finalNorm, M, c.hiddenSize, c.rmsNormEps);
    const logits = linear(rt, finalNormed, this.weights.lmHead, M); // [M, V]
    const targets = this.u32(batch.targets);
    const { logp, lse } = gatherLogprob(rt, logits, targets, M, c.vocabSize);
    const tape: Tape = { batch, lora, ids, positions, start, layers, final, finalPicked, finalNormed, logits, lse, targets };
    if (!options.keepTape) this.releaseTape(tape);
    return { logp, tape };
  }

  /** One decoder layer (decoder-layer.ts) with attention over the batch's own keys; with `keep`, its tape. */
  private layerForward(
    w: LayerWeights, x: Tensor, at: { B: number; T: number; positions: GPUBuffer; start: GPUBuffer; lora: boolean; keep: boolean; dropoutSeed?: number },
  ): { tape?: LayerTape; out: Tensor } {
    const rt = this.rt;
    const c = this.config;
    const N = at.B * at.T;
    const lora = new Map<LinearModule, LoraActivations>();
    // with start = 0 and S = T, the rows' own keys [B, T, nKv·d] are the cache the attention kernel reads
    const dims = { B: at.B, Tq: at.T, S: at.T, nH: c.numHeads, nKv: c.numKvHeads, d: c.headDim };
    let lse: Tensor | undefined;
    const { out, activations } = decoderLayer({
      rt, config: c, N, positions: at.positions, keep: at.keep,
      linear: (m, input) => {
        const seed = at.dropoutSeed === undefined ? undefined : mixSeed(at.dropoutSeed, LINEAR_MODULES.indexOf(m));
        return this.linearForward(w.linears[m], input, N, at.lora, seed, at.keep ? (a) => lora.set(m, a) : null);
      },
      attend: (q, k, v) => {
        const result = attention(rt, q, k, v, at.start, dims);
        if (at.keep) lse = result.lse;
        else rt.release(result.lse);
        return result.out;
      },
    }, w, x);
    return { out, tape: activations ? { ...activations, lse: lse!, lora } : undefined };
  }

  /**
   * y = x·Wᵀ + b + frozen terms (+ scale·(dropout(x)·Aᵀ)·Bᵀ when the adapter is on, keeping u = dropout(x)·Aᵀ).
   * `dropoutSeed` given: the adapter's input goes through dropout with that mask.
   */
  private linearForward(
    layer: Linear, x: Tensor, N: number, useLora: boolean, dropoutSeed: number | undefined, keep: ((a: LoraActivations) => void) | null,
  ): Tensor {
    const y = linear(this.rt, x, { ...layer, lora: undefined }, N);
    if (layer.lora && useLora) {
      const dropped = dropoutSeed === undefined ? undefined : { x: dropout(this.rt, x, this.options.loraDropout!, dropoutSeed), seed: dropoutSeed };
      const u = lowRankIn(this.rt, dropped?.x ?? x, layer.lora, layer.inF, N);
      lowRankOut(this.rt, u, layer.lora, y, layer.outF, N);
      if (keep) keep({ u, dropped });
      else for (const t of [u, ...(dropped ? [dropped.x] : [])]) this.rt.release(t);
    }
    return y;
  }

  /** Records the backward pass from g = dL/dlogp ([M]); adds into every parameter's gradient; frees the tape. */
  backward(tape: Tape, g: Tensor): void {
    const rt = this.rt;
    const c = this.config;
    const { B, T, rows } = tape.batch;
    const N = B * T;
    const M = rows.length;
    const H = c.hiddenSize;
    // head: logits = rmsnorm(final[rows])·W_lmᵀ
    const dlogits = gatherLogprobBackward(rt, tape.logits, tape.lse, tape.targets, g, M, c.vocabSize); // [M, V]
    const dFinalNormed = this.linearBackward(this.weights.lmHead, dlogits, tape.finalNormed, M, undefined, tape.lora); // [M, H]
    rt.release(dlogits);
    const dPicked = rmsnormBackward(rt, tape.finalPicked, this.weights.finalNorm, dFinalNormed, M, H, c.rmsNormEps,
      { dweight: this.gradOf(this.weights.finalNorm), accumulate: true });
    rt.release(dFinalNormed);
    let dx = rt.zeros([N, H]);
    scatterRows(rt, dPicked, dx, rows, H);
    rt.release(dPicked);
    for (let l = this.weights.layers.length - 1; l >= 0; l--) {
      const next = this.layerBackward(this.weights.layers[l], tape.layers[l], dx, tape);
      rt.release(dx);
      dx = next;
    }
    if (this.mode === 'full') {
      embeddingBackward(rt, dx, tape.batch.tokens, this.gradOf(this.parameters[0].value)!, c.vocabSize, H);
    }
    rt.release(dx);
    this.releaseTape(tape);
  }

  /** dOut: [N, H] gradient of the layer's output → gradient of its input x. */
  private layerBackward(w: LayerWeights, t: LayerTape, dOut: Tensor, tape: Tape): Tensor {
    const rt = this.rt;
    const c = this.config;
    const { B, T } = tape.batch;
    const N = B * T;
    const H = c.hiddenSize;
    const I = c.intermediateSize;
    const lin = (m: LinearModule, dy: Tensor, input: Tensor, dxInto?: Tensor) =>
      this.linearBackward(w.linears[m], dy, input, N, t.lora.get(m), tape.lora, dxInto);
    // MLP: out = h + down(silu(gate)·up)
    const dAct = lin('down_proj', dOut, t.act); // [N, I]
    const { dgate, dup } = swigluBackward(rt, t.gate, t.up, dAct, N, I);
    rt.release(dAct);
    const dNormed2 = lin('gate_proj', dgate, t.normed2);
    lin('up_proj', dup, t.normed2, dNormed2);
    rt.release(dgate);
    rt.release(dup);
    const dh = rmsnormBackward(rt, t.h, w.postNorm, dNormed2, N, H, c.rmsNormEps, { dweight: this.gradOf(w.postNorm), accumulate: true });
    rt.release(dNormed2);
    axpy(rt, dh, dOut); // residual
    // attention: h = x + o_proj(attn(rope(q), rope(k), v))
    const dAttn = lin('o_proj', dh, t.attn); // [N, nH·d]
    const shape = { B, Tq: T, S: T, nH: c.numHeads, nKv: c.numKvHeads, d: c.headDim };
    const { dq, dk, dv } = attentionBackward(rt, t.q, t.k, t.v, dAttn, tape.start, shape, {}, { o: t.attn, lse: t.lse });
    rt.release(dAttn);
    ropeBackward(rt, dq, tape.positions, N, c.numHeads, c.headDim, c.ropeTheta);
    ropeBackward(rt, dk, tape.positions, N, c.numKvHeads, c.headDim, c.ropeTheta);
    const dNormed1 = lin('q_proj', dq, t.normed1);
    lin('k_proj', dk, t.normed1, dNormed1);
    lin('v_proj', dv, t.normed1, dNormed1);
    for (const d of [dq, dk, dv]) rt.release(d);
    const dx = rmsnormBackward(rt, t.x, w.inputNorm, dNormed1, N, H, c.rmsNormEps, { dweight: this.gradOf(w.inputNorm), accumulate: true });
    rt.release(dNormed1);
    axpy(rt, dx, dh); // residual
    rt.release(dh);
    return dx;
  }

  /**
   * Gradients of y = x·Wᵀ + b + s·(xd·Aᵀ)·Bᵀ, xd = dropout(x) (or x).  dy: [N, out], x: [N, in], u = xd·Aᵀ: [N, r].
   * Returns dx [N, in] (or adds it into dxInto). LoRA: dB += s·dyᵀ·u, du = s·dy·B, dA += duᵀ·xd, dx += dropout(du·A).
   */
  private linearBackward(layer: Linear, dy: Tensor, x: Tensor, N: number, act: LoraActivations | undefined, loraOn: boolean, dxInto?: Tensor): Tensor {
    const rt = this.rt;
    const dx = matmulBackwardInput(rt, dy, layer.weight, N, dxInto ? { out: dxInto, accumulate: true } : {});
    for (const term of layer.frozen ?? []) this.lowRankInputGrad(term, dy, dx, layer.inF, layer.outF, N);
    const dW = this.gradOfWeight(layer.weight);
    if (dW) matmulBackwardWeight(rt, dy, x, dW, N, layer.inF, layer.outF, { accumulate: true });
    const dBias = this.gradOf(layer.bias);
    if (dBias) biasBackward(rt, dy, dBias, N, layer.outF, { accumulate: true });
    if (layer.lora && loraOn && act) {
      const { A, B, r, scale } = layer.lora;
      const dA = this.gradOf(A);
      const dB = this.gradOf(B);
      if (dB) matmulTT(rt, dy, act.u, dB, layer.outF, N, r, { transA: true, accumulate: true, alpha: scale });
      const du = rt.tensor([N, r]);
      matmulTT(rt, dy, B, du, N, layer.outF, r, { alpha: scale });
      if (dA) matmulTT(rt, du, act.dropped?.x ?? x, dA, r, N, layer.inF, { transA: true, accumulate: true });
      if (act.dropped) {
        const dxd = rt.tensor([N, layer.inF]);
        matmulTT(rt, du, A, dxd, N, r, layer.inF);
        const dxLora = dropout(rt, dxd, this.options.loraDropout!, act.dropped.seed);
        axpy(rt, dx, dxLora);
        rt.release(dxd);
        rt.release(dxLora);
      } else {
        matmulTT(rt, du, A, dx, N, r, layer.inF, { accumulate: true });
      }
      rt.release(du);
    }
    return dx;
  }

  /** dx += scale·(dy·B)·A, the input gradient through a frozen low-rank term.  dy: [N, out], dx: [N, in] */
  private lowRankInputGrad(term: LowRank, dy: Tensor, dx: Tensor, inF: number, outF: number, N: number): void {
    const du = this.rt.tensor([N, term.r]);
    matmulTT(this.rt, dy, term.B, du, N, outF, term.r, { alpha: term.scale });
    matmulTT(this.rt, du, term.A, dx, N, term.r, inF, { accumulate: true });
    this.rt.release(du);
  }

  /** Returns every tape tensor to the pool. */
  releaseTape(tape: Tape): void {
    const rt = this.rt;
    for (const t of tape.layers) {
      for (const x of [t.x, t.normed1, t.q, t.k, t.v, t.attn, t.lse, t.h, t.normed2, t.gate, t.up, t.act]) rt.release(x);
      for (const a of t.lora.values()) {
        rt.release(a.u);
        if (a.dropped) rt.release(a.dropped.x);
      }
    }
    tape.layers = [];
    for (const x of [tape.final, tape.finalPicked, tape.finalNormed, tape.logits, tape.lse]) rt.release(x);
    for (const b of [tape.ids, tape.positions, tape.start, tape.targets]) rt.release(b);
  }
}

/** Copies the rows of src to the listed rows of dst.  src: [M, H], dst: [N, H] */
function scatterRows(rt: Runtime, src: Tensor, dst: Tensor, rows: number[], H: number): void {
  const bytes = H * 4;
  for (let i = 0; i < rows.length; ) {
    let n = 1;
    while (i + n < rows.length && rows[i + n] === rows[i] + n) n++;
    rt.copy(src.buffer, i * bytes, dst.buffer, rows[i] * bytes, n * bytes);
    i += n;
  }
}

function checkBatch(batch: TrainBatch, V: number): void {
  const { B, T, tokens, rows, targets } = batch;
  if (tokens.length !== B * T) throw new Error(`train batch: ${tokens.length} tokens for B=${B}, T=${T}`);
  if (rows.length !== targets.length || rows.length === 0) throw new Error(`train batch: ${rows.length} rows and ${targets.length} targets (need at least one)`);
  for (let i = 1; i < rows.length; i++) if (rows[i] <= rows[i - 1]) throw new Error('train batch: target rows must be increasing');
  if (rows[rows.length - 1] >= B * T) throw new Error('train batch: a target row is beyond the batch');
  for (const t of [...tokens, ...targets]) if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new Error(`train batch: token id ${t} is outside the vocabulary (0..${V - 1})`);
}
