// The only place the model touches kernels: one function per op the decoder needs, with the shapes
// the model uses. Kernel signatures change here, nowhere else.
import type { Runtime, Tensor } from '../runtime.ts';
import { add } from '../kernels/elementwise.ts';
import { gatherLogprob } from '../kernels/logsoftmax.ts';
import { rmsnorm } from '../kernels/rmsnorm.ts';
import { rope } from '../kernels/rope.ts';
import { swiglu, swigluFused } from '../kernels/swiglu.ts';
import { qkvRope } from '../kernels/qkv_rope.ts';
import { matmul, matmulTT } from '../kernels/matmul.ts';
import { embedding } from '../kernels/embedding.ts';
import { kvWrite, type AttentionDims } from '../kernels/attention.ts';
import { decodeAttention } from '../kernels/attention_decode.ts';
import { uploadWeight, type GpuWeight, type WeightDtype } from '../weights.ts';

export type { GpuWeight, WeightDtype };
export { add, rmsnorm, rope, swiglu, swigluFused, qkvRope, gatherLogprob };

/** A frozen linear layer: W [out, in] (f32/q8/q4), optional bias [out], optional LoRA A [r, in], B [out, r]. */
export interface Linear {
  weight: GpuWeight;
  inF: number;
  outF: number;
  bias?: Tensor;
  lora?: LowRank;
  /** earlier adapters folded into a quantized base, kept exact as frozen low-rank terms */
  frozen?: LowRank[];
}

/** A low-rank term scale·B·A: A [r, in], B [out, r]. */
export interface LowRank {
  A: Tensor;
  B: Tensor;
  r: number;
  scale: number;
}

export function upload(rt: Runtime, values: Float32Array, rows: number, cols: number, dtype: WeightDtype): GpuWeight {
  return uploadWeight(rt, values, rows, cols, dtype);
}

/** y = x·Wᵀ + b + Σ scale·(x·Aᵀ)·Bᵀ over the frozen terms and the adapter.  x: [T, in] → y: [T, out] */
export function linear(rt: Runtime, x: Tensor, layer: Linear, T: number): Tensor {
  const y = matmul(rt, x, layer.weight, T, { bias: layer.bias });
  for (const term of [...(layer.frozen ?? []), ...(layer.lora ? [layer.lora] : [])]) {
    const u = lowRankIn(rt, x, term, layer.inF, T);
    lowRankOut(rt, u, term, y, layer.outF, T);
    rt.release(u);
  }
  return y;
}

/** u = x·Aᵀ.  x: [T, in] → u: [T, r] */
export function lowRankIn(rt: Runtime, x: Tensor, term: LowRank, inF: number, T: number): Tensor {
  const u = rt.tensor([T, term.r]);
  matmulTT(rt, x, term.A, u, T, inF, term.r, { transB: true });
  return u;
}

/** y += scale·u·Bᵀ.  u: [T, r], y: [T, out] */
export function lowRankOut(rt: Runtime, u: Tensor, term: LowRank, y: Tensor, outF: number, T: number): void {
  matmulTT(rt, u, term.B, y, T, term.r, outF, { transB: true, accumulate: true, alpha: term.scale });
}

/** Token embeddings.  table: [V, H], ids: u32 [T] → [T, H] */
export function embed(rt: Runtime, table: GpuWeight, ids: GPUBuffer, T: number): Tensor {
  return embedding(rt, table, ids, T);
}

/**
 * Rows of `x` picked by `rows`, recorded as buffer copies (one per run of consecutive rows).
 * x: [*, H], rows: [N] → [N, H]
 */
export function pickRows(rt: Runtime, x: Tensor, rows: number[], H: number): Tensor {
  const out = rt.tensor([rows.length, H]);
  const bytes = H * 4;
  for (let i = 0; i < rows.length; ) {
    let n = 1;
    while (i + n < rows.length && rows[i + n] === rows[i] + n) n++;
    rt.copy(x.buffer, rows[i] * bytes, out.buffer, i * bytes, n * bytes);
    i += n;
  }
  return out;
}

export type { AttentionDims };

/** Writes new keys and values into the caches.  k, v: [B, Tq, nKv·d] → caches [B, S, nKv·d] at positions start[b] + t */
export function writeCache(rt: Runtime, k: Tensor, v: Tensor, keys: Tensor, values: Tensor, start: GPUBuffer, dims: AttentionDims): void {
  kvWrite(rt, k, v, keys, values, start, dims);
}

/** Causal GQA attention over the caches (decode steps on software adapters: one thread per query).  q: [B, Tq, nH·d], caches: [B, S, nKv·d] → [B, Tq, nH·d] */
export function attend(rt: Runtime, q: Tensor, keys: Tensor, values: Tensor, start: GPUBuffer, dims: AttentionDims): Tensor {
  const { out, lse } = decodeAttention(rt, q, keys, values, start, dims);
  rt.release(lse); // the log-sum-exp is for the backward pass
  return out;
}
