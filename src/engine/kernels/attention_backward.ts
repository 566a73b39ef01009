// Causal grouped-query attention backward over KV caches (the layout of the forward attention kernel).
import code from '../../../shaders/attention_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/** The largest head dimension the kernel's per-thread accumulators hold. */
export const ATTENTION_BACKWARD_MAX_HEAD_DIM = 256;

export interface AttentionShape {
  B: number; // sequences
  Tq: number; // queries per sequence
  S: number; // key/value slots per sequence
  nHeads: number;
  nKv: number;
  headDim: number;
}

/**
 * Gradients of causal GQA attention, softmax(q·kᵀ / sqrt(d)) · v, where query t of sequence b is at
 * position start[b] + t and sees keys j ≤ start[b] + t.
 * q, dout: [B, Tq, nHeads · d], k, v: [B, S, nKv · d], start: u32 [B]
 * → dq: [B, Tq, nHeads · d], dk, dv: [B, S, nKv · d] (written; keys no query sees get 0)
 */
export function attentionBackward(
  rt: Runtime, q: Tensor, k: Tensor, v: Tensor, dout: Tensor, start: GPUBuffer, shape: AttentionShape,
  out: { dq?: Tensor; dk?: Tensor; dv?: Tensor } = {},
): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const { B, Tq, S, nHeads, nKv, headDim: d } = shape;
  if (nHeads % nKv !== 0) throw new Error(`attentionBackward: nHeads ${nHeads} is not a multiple of nKv ${nKv}`);
  if (d > ATTENTION_BACKWARD_MAX_HEAD_DIM) throw new Error(`attentionBackward: headDim ${d} exceeds ${ATTENTION_BACKWARD_MAX_HEAD_DIM}`);
  expectNumel('attentionBackward: q', q, B * Tq * nHeads * d);
  expectNumel('attentionBackward: dout', dout, B * Tq * nHeads * d);
  expectNumel('attentionBackward: k', k, B * S * nKv * d);
  expectNumel('attentionBackward: v', v, B * S * nKv * d);
  expectBytes('attentionBackward: start', start, B * 4);
  const dq = outputTensor(rt, 'attentionBackward: dq', [B, Tq, nHeads * d], out.dq);
  const dk = outputTensor(rt, 'attentionBackward: dk', [B, S, nKv * d], out.dk);
  const dv = outputTensor(rt, 'attentionBackward: dv', [B, S, nKv * d], out.dv);
  const stats = rt.tensor([B, Tq, nHeads, 2]); // (lse, D) per query row and head
  const params = packParams([B, Tq, S, nHeads, nKv, d, { f32: 1 / Math.sqrt(d) }]);
  const startBinding = { buffer: start, offset: 0, size: Math.max(4, B * 4) };
  rt.dispatch(rt.pipeline(code, 'dq_main'), [q, k, v, dout, startBinding, dq, stats], grid1d(rt, B * Tq * nHeads, 64), params);
  rt.dispatch(rt.pipeline(code, 'dkv_main'), [q, k, v, dout, startBinding, stats, dk, dv], grid1d(rt, B * S * nKv, 64), params);
  rt.release(stats);
  return { dq, dk, dv };
}
