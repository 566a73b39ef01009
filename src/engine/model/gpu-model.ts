// The Llama / Qwen2 decoder on the GPU: a forward step over a batch of rows with a KV cache, recorded
// as one batch of dispatches and flushed once; only last-position logits, sampled token ids (decoding)
// or gathered log-probs (teacher forcing) are read back.
import type { ModelConfig } from '../files/config.ts';
import { sampleTokens } from '../kernels/sample.ts';
import type { Runtime, Tensor } from '../runtime.ts';
import type { LogprobItem } from './backend.ts';
import type { Decoder, DecodeSession } from './decoder.ts';
import type { SamplingOptions } from './sampler.ts';
import type { GpuWeights, LayerWeights } from './gpu-weights.ts';
import { destroyWeight } from '../weights.ts';
import { groupByRows, ranges } from './batching.ts';
import { KvCache } from './kv-cache.ts';
import { decoderLayer } from './decoder-layer.ts';
import { disposeStacks, STACKED_MAX_BYTES, stackedBytes, stackedLinear } from './fused.ts';
import { attend, embed, gatherLogprob, linear, pickRows, rmsnorm, writeCache } from './ops.ts';

/** Bytes of one activation tensor ([rows, widest layer]) or logits block ([rows, V]) we allow per forward pass. */
const ACTIVATION_BYTES = 64 * 1024 * 1024;
/** Bytes of key/value cache one decoding group may hold, all layers together. */
const KV_CACHE_BYTES = 1024 * 1024 * 1024;
/** Items per teacher-forced forward pass, at most. */
const LOGPROB_ITEMS = 16;

/** The u32 inputs of a forward pass over a [B, Tq] block: token ids [B·Tq], row starts [B], positions [B·Tq]. */
interface ForwardInputs {
  ids: GPUBuffer;
  startBuf: GPUBuffer;
  positions: GPUBuffer;
}

export interface GpuModelOptions {
  /**
   * Stack q/k/v and gate/up into one product each (fused.ts). Default: when the stacks fit STACKED_MAX_BYTES, i.e. for
   * models small enough that a step is bound by its dispatches.
   */
  stackProjections?: boolean;
}

export class GpuModel implements Decoder {
  readonly vocabSize: number;
  readonly maxPositions: number;
  /** whether forward passes use stacked projections where the modules allow (fused.ts) */
  readonly stackProjections: boolean;

  constructor(readonly rt: Runtime, readonly config: ModelConfig, readonly weights: GpuWeights, options: GpuModelOptions = {}) {
    this.vocabSize = config.vocabSize;
    this.maxPositions = config.maxPositionEmbeddings;
    this.stackProjections = options.stackProjections ?? stackedBytes(weights) <= STACKED_MAX_BYTES;
  }

  private bytesLimit(bytes: number): number {
    return Math.min(bytes, this.rt.gpu.limits.maxStorageBufferBindingSize);
  }

  /** Token rows one forward pass may process: its widest activation is [rows, max(H, nH·d, I)]. */
  activationRows(): number {
    const c = this.config;
    const widest = Math.max(c.hiddenSize, c.numHeads * c.headDim, c.intermediateSize);
    return Math.max(1, Math.floor(this.bytesLimit(ACTIVATION_BYTES) / (4 * widest)));
  }

  /** Logit rows computed at once by the output projection. */
  headRows(): number {
    return Math.max(1, Math.floor(this.bytesLimit(ACTIVATION_BYTES) / (4 * this.vocabSize)));
  }

  /** Rows one decoding session may hold with `capacity` positions each. */
  maxRows(capacity: number): number {
    const c = this.config;
    const rowBytes = capacity * c.numKvHeads * c.headDim * 4; // one row of one layer's K (or V)
    const perBinding = Math.floor(this.rt.gpu.limits.maxStorageBufferBindingSize / rowBytes);
    const perBudget = Math.floor(KV_CACHE_BYTES / (2 * c.numLayers * rowBytes));
    return Math.max(1, Math.min(perBinding, perBudget));
  }

  private u32(values: ArrayLike<number>): GPUBuffer {
    const data = Uint32Array.from(values);
    const b = this.rt.buffer(Math.max(4, data.byteLength));
    this.rt.write(b, data);
    return b;
  }

  newCache(rows: number, capacity: number): KvCache {
    const c = this.config;
    return new KvCache(this.rt, c.numLayers, rows, capacity, c.numKvHeads * c.headDim);
  }

  /** Writes a [B, Tq] block's inputs (each write submits the work recorded before it: write before recording). */
  private forwardInputs(tokens: number[], start: number[], Tq: number): ForwardInputs {
    return { ids: this.u32(tokens), startBuf: this.u32(start), positions: this.u32(tokens.map((_, i) => start[Math.floor(i / Tq)] + (i % Tq))) };
  }

  /**
   * Records the decoder on a [B, Tq] block of tokens; row b's token t sits at position start[b] + t
   * and sees the cache's positions up to it. Returns the residual stream after the last layer: [B·Tq, H].
   * `inputs`: the block's inputs already written (forwardInputs), else written here.
   */
  recordForward(cache: KvCache, tokens: number[], start: number[], B: number, Tq: number, inputs?: ForwardInputs): Tensor {
    const rt = this.rt;
    const c = this.config;
    if (tokens.length !== B * Tq || start.length !== B) throw new Error(`forward: ${tokens.length} tokens and ${start.length} starts for B=${B}, Tq=${Tq}`);
    if (B > cache.rows) throw new Error(`forward: ${B} rows but the cache has ${cache.rows}`);
    const end = Math.max(...start) + Tq;
    if (end > cache.capacity) throw new Error(`forward: position ${end - 1} is beyond the cache capacity ${cache.capacity}`);
    const { ids, startBuf, positions } = inputs ?? this.forwardInputs(tokens, start, Tq);
    const T = B * Tq;
    let x = embed(rt, this.weights.embed, ids, T); // x: [T, H]
    this.weights.layers.forEach((layer, l) => {
      const next = this.recordLayer(layer, x, cache, l, { startBuf, positions, B, Tq });
      rt.release(x);
      x = next;
    });
    for (const b of [ids, startBuf, positions]) rt.release(b);
    return x;
  }

  /** One decoder layer (decoder-layer.ts) with attention over the cache.  x: [B·Tq, H] → [B·Tq, H] */
  private recordLayer(w: LayerWeights, x: Tensor, cache: KvCache, l: number, at: { startBuf: GPUBuffer; positions: GPUBuffer; B: number; Tq: number }): Tensor {
    const rt = this.rt;
    const c = this.config;
    const { B, Tq } = at;
    const T = B * Tq;
    const S = cache.capacity;
    // only the first B rows of the cache take part: views of [B, S, nKv·d]
    const keys = { buffer: cache.keys[l].buffer, shape: [B, S, cache.width] };
    const values = { buffer: cache.values[l].buffer, shape: [B, S, cache.width] };
    const dims = { B, Tq, S, nH: c.numHeads, nKv: c.numKvHeads, d: c.headDim };
    return decoderLayer({
      rt, config: c, N: T, positions: at.positions, keep: false,
      linear: (module, input) => linear(rt, input, w.linears[module], T),
      stacked: (name, input) => {
        const lin = this.stackProjections ? stackedLinear(rt, w, name) : undefined;
        return lin && linear(rt, input, lin, T);
      },
      attend: (q, k, v) => {
        writeCache(rt, k, v, keys, values, at.startBuf, dims);
        return attend(rt, q, keys, values, at.startBuf, dims);
      },
    }, w, x).out;
  }

  /** Final norm and output projection of the listed rows of `hidden`.  hidden: [*, H], rows: [N] → logits [N, V] */
  recordHead(hidden: Tensor, rows: number[]): Tensor {
    const rt = this.rt;
    const c = this.config;
    const picked = rows.length === hidden.shape[0] && rows.every((r, i) => r === i) ? hidden : pickRows(rt, hidden, rows, c.hiddenSize); // [N, H]
    const normed = rmsnorm(rt, picked, this.weights.finalNorm, rows.length, c.hiddenSize, c.rmsNormEps);
    if (picked !== hidden) rt.release(picked);
    const logits = linear(rt, normed, this.weights.lmHead, rows.length); // [N, V]
    rt.release(normed);
    return logits;
  }

  /** Logits of the listed rows, read back.  → [rows.length, V] */
  private async headLogits(hidden: Tensor, rows: number[]): Promise<Float32Array> {
    const out = new Float32Array(rows.length * this.vocabSize);
    for (const [from, to] of ranges(rows.length, this.headRows())) {
      const logits = this.recordHead(hidden, rows.slice(from, to));
      out.set(await this.rt.readTensor(logits), from * this.vocabSize);
      this.rt.release(logits);
    }
    return out;
  }

  /**
   * Prefills the prompts in groups that fit a forward pass (each group right-padded to its longest
   * prompt), copying prompt i's keys/values to rows i·copies .. i·copies + copies - 1 of `cache`.
   * Returns each prompt's last logits: [P, V].
   */
  private async prefill(cache: KvCache, prompts: number[][], copies: number): Promise<Float32Array> {
    const V = this.vocabSize;
    const out = new Float32Array(prompts.length * V);
    for (const group of groupByRows(prompts.map((p) => p.length), this.activationRows())) {
      const block = group.map((i) => prompts[i]);
      const Tq = Math.max(...block.map((p) => p.length));
      const shared = this.newCache(block.length, Tq);
      // padding writes junk keys at positions ≥ the prompt's length; decoding overwrites each before any query can see it
      const tokens = block.flatMap((p) => [...p, ...new Array<number>(Tq - p.length).fill(0)]);
      const hidden = this.recordForward(shared, tokens, new Array<number>(block.length).fill(0), block.length, Tq);
      const logits = await this.headLogits(hidden, block.map((p, j) => j * Tq + p.length - 1));
      this.rt.release(hidden);
      group.forEach((i, j) => {
        out.set(logits.subarray(j * V, (j + 1) * V), i * V);
        for (let s = 0; s < copies; s++) cache.copyRowFrom(shared, j, i * copies + s, prompts[i].length);
      });
      this.rt.flush();
      shared.dispose();
    }
    return out;
  }

  async start(prompts: number[][], copies: number, capacity: number): Promise<DecodeSession> {
    const longest = Math.max(...prompts.map((p) => p.length));
    if (capacity < longest) throw new Error(`capacity ${capacity} is shorter than the longest prompt (${longest})`);
    const cache = this.newCache(prompts.length * copies, capacity);
    const promptLogits = await this.prefill(cache, prompts, copies);
    return new GpuSession(this, cache, promptLogits, prompts.flatMap((p) => new Array<number>(copies).fill(p.length)));
  }

  /**
   * Decodes one token per active row: writes the inputs, then records `afterWrites` (work that must not be split
   * from the step, e.g. a cache compaction), the layers and the head, submitted at the read.  tokens: [B] → logits [B, V]
   */
  async decodeStep(cache: KvCache, tokens: number[], lengths: number[], afterWrites?: () => void): Promise<Float32Array> {
    const B = tokens.length;
    const inputs = this.forwardInputs(tokens, lengths, 1);
    afterWrites?.();
    const hidden = this.recordForward(cache, tokens, lengths, B, 1, inputs);
    const logits = await this.headLogits(hidden, tokens.map((_, i) => i));
    this.rt.release(hidden);
    return logits;
  }

  /**
   * Decodes one token per active row and samples each row's next token on the GPU (kernels/sample.ts) with its u32
   * uniform: the whole step (compaction, layers, head, sampling) in one command buffer, one read-back of B ids.
   * tokens, uniforms: [B] → ids [B]
   */
  async decodeAndSample(cache: KvCache, tokens: number[], lengths: number[], sampling: SamplingOptions, uniforms: Uint32Array, afterWrites?: () => void): Promise<number[]> {
    const rt = this.rt;
    const B = tokens.length;
    if (uniforms.length !== B) throw new Error(`decodeAndSample: ${uniforms.length} uniforms for ${B} rows`);
    const u = this.u32(uniforms);
    const inputs = this.forwardInputs(tokens, lengths, 1);
    afterWrites?.();
    const hidden = this.recordForward(cache, tokens, lengths, B, 1, inputs);
    const ids = rt.buffer(B * 4);
    for (const [from, to] of ranges(B, this.headRows())) {
      const logits = this.recordHead(hidden, tokens.slice(from, to).map((_, i) => from + i)); // [to - from, V]
      sampleTokens(rt, logits, u, ids, to - from, this.vocabSize, sampling, from);
      rt.release(logits);
    }
    rt.release(hidden);
    const out = new Uint32Array(await rt.read(ids, B * 4));
    for (const b of [u, ids]) rt.release(b);
    return Array.from(out);
  }

  /** Teacher-forced sums of response log-probs; items go through the model in groups that fit a forward pass. */
  async logprobs(items: LogprobItem[]): Promise<{ logprob: number; tokens: number }[]> {
    items.forEach((it, i) => {
      if (it.promptIds.length === 0) throw new Error(`item ${i}: the prompt must have at least one token`);
      for (const t of [...it.promptIds, ...it.responseIds]) {
        if (!Number.isInteger(t) || t < 0 || t >= this.vocabSize) throw new Error(`item ${i}: token id ${t} is outside the vocabulary (0..${this.vocabSize - 1})`);
      }
    });
    const result = items.map((it) => ({ logprob: 0, tokens: it.responseIds.length }));
    const live = items.map((it, i) => ({ ...it, i })).filter((it) => it.responseIds.length > 0);
    const lengths = live.map((it) => it.promptIds.length + it.responseIds.length - 1);
    for (const group of groupByRows(lengths, this.activationRows(), LOGPROB_ITEMS)) {
      const block = group.map((g) => live[g]);
      const sums = await this.logprobBlock(block);
      block.forEach((it, j) => (result[it.i].logprob = sums[j]));
    }
    return result;
  }

  /** One forward pass over a block of items (each with a response).  → the log-prob sum of each */
  private async logprobBlock(live: LogprobItem[]): Promise<number[]> {
    // every row holds prompt + response without its last token; position P-1+j predicts response[j]
    const seqs = live.map((it) => [...it.promptIds, ...it.responseIds].slice(0, -1));
    const Tq = Math.max(...seqs.map((s) => s.length));
    if (Tq > this.maxPositions) throw new Error(`a prompt + response of ${Tq + 1} tokens exceeds the model's ${this.maxPositions} positions`);
    const B = seqs.length;
    const rows: number[] = [];
    const targets: number[] = [];
    const owner: number[] = [];
    live.forEach((it, b) => {
      it.responseIds.forEach((tok, j) => {
        rows.push(b * Tq + it.promptIds.length - 1 + j);
        targets.push(tok);
        owner.push(b);
      });
    });
    // inputs are written before recording, so the whole pass is submitted at once
    const chunks = ranges(rows.length, this.headRows()).map(([from, to]) => ({ from, to, targets: this.u32(targets.slice(from, to)) }));
    const cache = this.newCache(B, Tq);
    const hidden = this.recordForward(cache, seqs.flatMap((s) => [...s, ...new Array<number>(Tq - s.length).fill(0)]), new Array<number>(B).fill(0), B, Tq);
    const logp = await this.gatheredLogprobs(hidden, rows, chunks);
    this.rt.release(hidden);
    cache.dispose();
    const sums = new Array<number>(live.length).fill(0);
    logp.forEach((lp, m) => (sums[owner[m]] += lp));
    return sums;
  }

  /** log p(target) at hidden row rows[m], for chunks of rows with their u32 targets, read back once.  → [M] */
  private async gatheredLogprobs(hidden: Tensor, rows: number[], chunks: { from: number; to: number; targets: GPUBuffer }[]): Promise<Float32Array> {
    const rt = this.rt;
    const all = rt.tensor([rows.length]);
    for (const { from, to, targets } of chunks) {
      const n = to - from;
      const logits = this.recordHead(hidden, rows.slice(from, to)); // [n, V]
      const { logp, lse } = gatherLogprob(rt, logits, targets, n, this.vocabSize); // [n], [n]
      rt.copy(logp.buffer, 0, all.buffer, from * 4, n * 4);
      for (const t of [logits, logp, lse]) rt.release(t);
      rt.release(targets);
    }
    const out = await rt.readTensor(all);
    rt.release(all);
    return out;
  }

  dispose(): void {
    const w = this.weights;
    disposeStacks(w);
    const tensors: Tensor[] = [w.finalNorm];
    for (const layer of w.layers) {
      tensors.push(layer.inputNorm, layer.postNorm);
      for (const lin of Object.values(layer.linears)) {
        if (lin.bias) tensors.push(lin.bias);
        for (const term of [...(lin.frozen ?? []), ...(lin.lora ? [lin.lora] : [])]) tensors.push(term.A, term.B);
      }
    }
    for (const t of tensors) t.buffer.destroy();
    if (w.embed !== w.lmHead.weight) destroyWeight(w.embed);
    for (const lin of [w.lmHead, ...w.layers.flatMap((l) => Object.values(l.linears))]) destroyWeight(lin.weight);
  }
}

/**
 * A batch of rows being decoded; row i's next token goes to position lengths[i]. Dropping rows (keep) is recorded
 * at the next step, after its inputs are written, so that the step stays one command buffer.
 */
class GpuSession implements DecodeSession {
  /** the compaction keep() asked for, not yet recorded: rows of the cache to keep, and their longest length */
  private pending: { rows: number[]; positions: number } | null = null;

  constructor(private readonly model: GpuModel, private cache: KvCache | null, readonly promptLogits: Float32Array, private lengths: number[]) {}

  private active(tokens: number[]): KvCache {
    if (!this.cache) throw new Error('decode session already disposed');
    if (tokens.length !== this.lengths.length) throw new Error(`step: ${tokens.length} tokens for ${this.lengths.length} active rows`);
    return this.cache;
  }

  /** Records the pending compaction (called by the step after its writes). */
  private compact = (): void => {
    if (this.pending && this.cache) this.cache.compact(this.pending.rows, this.pending.positions);
    this.pending = null;
  };

  async step(tokens: number[]): Promise<Float32Array> {
    const logits = await this.model.decodeStep(this.active(tokens), tokens, this.lengths, this.compact);
    this.lengths = this.lengths.map((n) => n + 1);
    return logits;
  }

  async stepAndSample(tokens: number[], sampling: SamplingOptions, uniforms: Uint32Array): Promise<number[]> {
    const ids = await this.model.decodeAndSample(this.active(tokens), tokens, this.lengths, sampling, uniforms, this.compact);
    this.lengths = this.lengths.map((n) => n + 1);
    return ids;
  }

  keep(rows: number[]): void {
    if (!this.cache) throw new Error('decode session already disposed');
    // a second keep before a step composes with the first: rows index the current order
    this.pending = this.pending
      ? { rows: rows.map((i) => this.pending!.rows[i]), positions: this.pending.positions }
      : { rows, positions: Math.max(...this.lengths) };
    this.lengths = rows.map((i) => this.lengths[i]);
  }

  dispose(): void {
    this.cache?.dispose();
    this.cache = null;
  }
}
