// Causal grouped-query attention and its backward through batched products (matmulTT's tn_vec4), for software
// adapters: they load storage lane by lane, and vec4 products over contiguous head blocks run several times
// faster there than a thread per row sweeping its keys. The scores are materialized per (sequence, head) block,
// all Tq × S of them (twice the causal half the row kernels touch), so this is for short sequences.
// Formulas as in FlashAttention-2's backward (Dao 2023, algorithm 2), unfused:
//   s = q·kᵀ / sqrt(d), P = exp(s − lse), out = P·v;
//   dP = dout·vᵀ, D = rowsum(P ∘ dP), dS = P ∘ (dP − D), dq = dS·k / sqrt(d), dk = dSᵀ·q / sqrt(d), dv = Pᵀ·dout.
import code from '../../../shaders/attention_products.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import type { AttentionDims } from './attention.ts';
import { grid1d, packParams, placeholder } from './common.ts';
import { matmulTT } from './matmul.ts';

/** The most bytes one block of scores [B · nH, Tq4, S4] may take (three are live in the backward). */
const MAX_SCORE_BYTES = 64 * 2 ** 20;

const roundUp4 = (n: number) => Math.ceil(n / 4) * 4;

/** Whether these dims can go through products: head dims of vec4s, and scores that fit MAX_SCORE_BYTES. */
export function productsFit(rt: Runtime, { B, Tq, S, nH, d }: AttentionDims): boolean {
  const bytes = B * nH * roundUp4(Tq) * roundUp4(S) * 4;
  return d % 4 === 0 && bytes <= Math.min(MAX_SCORE_BYTES, rt.gpu.limits.maxStorageBufferBindingSize);
}

/** x [B, T, nx · d] → [B · nx, T4, d], or [B · nx, d, T4] when transposed (padding rows 0). */
function toHeads(rt: Runtime, x: Tensor, B: number, T: number, nx: number, d: number, transposed: boolean): Tensor {
  const T4 = roundUp4(T);
  const y = rt.tensor(transposed ? [B * nx, d, T4] : [B * nx, T4, d]);
  // a thread per vec4 of y, or per 4 × 4 tile when transposed
  const threads = transposed ? (B * nx * T4 * d) / 16 : (B * nx * T4 * d) / 4;
  rt.dispatch(rt.pipeline(code, 'to_heads'), [x, y], grid1d(rt, threads, 256), packParams([B, T, T4, nx, d, 1, transposed ? 1 : 0]));
  return y;
}

/** y [B · nx · group, T4, d] → out [B, T, nx · d], each group of head blocks summed. */
function fromHeads(rt: Runtime, y: Tensor, out: Tensor, B: number, T: number, nx: number, d: number, group: number): void {
  rt.dispatch(rt.pipeline(code, 'from_heads'), [y, out], grid1d(rt, (B * T * nx * d) / 4, 256), packParams([B, T, roundUp4(T), nx, d, group, 0]));
}

/** Scaled scores [B · nH, Tq4, S4] = a_z · b_{z / G}ᵀ / sqrt(d) from aT [B · nH, d, Tq4] and bT [B · nKv, d, S4]. */
function scores(rt: Runtime, aT: Tensor, bT: Tensor, dims: AttentionDims, alpha: number): Tensor {
  const { B, Tq, S, nH, nKv, d } = dims;
  const [Tq4, S4] = [roundUp4(Tq), roundUp4(S)];
  const s = rt.tensor([B * nH, Tq4, S4]);
  matmulTT(rt, aT, bT, s, Tq4, d, S4, { transA: true, alpha, batch: { count: B * nH, strideA: d * Tq4, strideB: d * S4, strideC: Tq4 * S4, groupB: nH / nKv } });
  return s;
}

function scoreParams({ B, Tq, S, nH }: AttentionDims, knownLse: boolean): ArrayBuffer {
  return packParams([B, Tq, S, nH, roundUp4(Tq), roundUp4(S), knownLse ? 1 : 0]);
}

/**
 * out = softmax(q·kᵀ / sqrt(d)) · v as attention() computes it (same inputs, outputs and masking).
 * q: [B, Tq, nH·d], k, v: [B, S, nKv·d], start: u32 [B] → out: [B, Tq, nH·d], lse: [B, Tq, nH]
 */
export function attentionProducts(rt: Runtime, q: Tensor, k: Tensor, v: Tensor, start: GPUBuffer, dims: AttentionDims, o: Tensor, lse: Tensor): void {
  const { B, Tq, S, nH, nKv, d } = dims;
  const [Tq4, S4] = [roundUp4(Tq), roundUp4(S)];
  const qT = toHeads(rt, q, B, Tq, nH, d, true);
  const kT = toHeads(rt, k, B, S, nKv, d, true);
  const s = scores(rt, qT, kT, dims, 1 / Math.sqrt(d));
  const pT = rt.tensor([B * nH, S4, Tq4]);
  rt.dispatch(rt.pipeline(code, 'probs_forward'), [{ buffer: start, offset: 0, size: B * 4 }, lse, s, pT], grid1d(rt, B * nH * Tq4, 64), scoreParams(dims, false));
  const vh = toHeads(rt, v, B, S, nKv, d, false);
  const oh = rt.tensor([B * nH, Tq4, d]);
  matmulTT(rt, pT, vh, oh, Tq4, S4, d, { transA: true, batch: { count: B * nH, strideA: S4 * Tq4, strideB: S4 * d, strideC: Tq4 * d, groupB: nH / nKv } });
  fromHeads(rt, oh, o, B, Tq, nH, d, 1);
  for (const t of [qT, kT, s, pT, vh, oh]) rt.release(t);
}

/**
 * dq, dk, dv of attention as attentionBackward computes them (same shapes and masking; keys no query sees get 0).
 * lse: the forward's [B, Tq, nH] when kept (else recomputed from the scores).
 */
export function attentionProductsBackward(
  rt: Runtime, q: Tensor, k: Tensor, v: Tensor, dout: Tensor, start: GPUBuffer, dims: AttentionDims,
  grads: { dq: Tensor; dk: Tensor; dv: Tensor }, lse?: Tensor,
): void {
  const { B, Tq, S, nH, nKv, d } = dims;
  const [Tq4, S4] = [roundUp4(Tq), roundUp4(S)];
  const G = nH / nKv;
  const scale = 1 / Math.sqrt(d);
  const Z = B * nH;
  const [qT, kT, doT, vT] = [toHeads(rt, q, B, Tq, nH, d, true), toHeads(rt, k, B, S, nKv, d, true), toHeads(rt, dout, B, Tq, nH, d, true), toHeads(rt, v, B, S, nKv, d, true)];
  const s = scores(rt, qT, kT, dims, scale); // → P
  const dp = scores(rt, doT, vT, dims, 1); // dP = dout · vᵀ → dS
  for (const t of [qT, kT, doT, vT]) rt.release(t);
  const dsT = rt.tensor([Z, S4, Tq4]);
  rt.dispatch(rt.pipeline(code, 'probs_backward'), [{ buffer: start, offset: 0, size: B * 4 }, lse ?? placeholder(rt), s, dp, dsT],
    grid1d(rt, Z * Tq4, 64), scoreParams(dims, lse !== undefined));
  const [qh, doh, kh] = [toHeads(rt, q, B, Tq, nH, d, false), toHeads(rt, dout, B, Tq, nH, d, false), toHeads(rt, k, B, S, nKv, d, false)];
  // per block z: dv_z = P_zᵀ · dout_z and dk_z = dS_zᵀ · q_z / sqrt(d) ([S4, d], summed over the group below);
  // dq_z = dS_z · k_{z/G} / sqrt(d) ([Tq4, d])
  const keyGrad = { count: Z, strideA: Tq4 * S4, strideB: Tq4 * d, strideC: S4 * d };
  const dvh = matmulTT(rt, s, doh, rt.tensor([Z, S4, d]), S4, Tq4, d, { transA: true, batch: keyGrad });
  const dkh = matmulTT(rt, dp, qh, rt.tensor([Z, S4, d]), S4, Tq4, d, { transA: true, alpha: scale, batch: keyGrad });
  const dqh = matmulTT(rt, dsT, kh, rt.tensor([Z, Tq4, d]), Tq4, S4, d, { transA: true, alpha: scale, batch: { count: Z, strideA: S4 * Tq4, strideB: S4 * d, strideC: Tq4 * d, groupB: G } });
  fromHeads(rt, dqh, grads.dq, B, Tq, nH, d, 1);
  fromHeads(rt, dkh, grads.dk, B, S, nKv, d, G);
  fromHeads(rt, dvh, grads.dv, B, S, nKv, d, G);
  for (const t of [s, dp, dsT, qh, doh, kh, dvh, dkh, dqh]) rt.release(t);
}
