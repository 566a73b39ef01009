// Attention for decode steps on software adapters: one thread per query, no barriers (shaders/attention_decode.wgsl).
// The same inputs and outputs as attention() in attention.ts, which GPUs and every other pass keep using.
import code from '../../../shaders/attention_decode.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { attention, type AttentionDims } from './attention.ts';
import { expectBytes, expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

export type DecodeAttentionVariant = 'thread-per-query' | 'workgroup-per-query';

/** Software adapters run barriers as thread switches: a decode step's queries go one per thread there; GPUs keep a workgroup per query. */
export function decodeAttentionVariant(rt: Runtime, dims: AttentionDims): DecodeAttentionVariant {
  return rt.gpu.info.isSoftware && dims.Tq === 1 ? 'thread-per-query' : 'workgroup-per-query';
}

/**
 * out = softmax(q·kᵀ / sqrt(d)) · v with query (b, t) at position start[b] + t seeing keys 0 ..= that position.
 * q: [B, Tq, nH·d], kCache/vCache: [B, S, nKv·d], start: u32 [B] → out: [B, Tq, nH·d], lse: [B, Tq, nH]
 */
export function decodeAttention(
  rt: Runtime, q: Tensor, kCache: Tensor, vCache: Tensor, start: GPUBuffer, dims: AttentionDims,
  variant: DecodeAttentionVariant = decodeAttentionVariant(rt, dims),
): { out: Tensor; lse: Tensor } {
  if (variant === 'workgroup-per-query') return attention(rt, q, kCache, vCache, start, dims);
  const { B, Tq, S, nH, nKv, d } = dims;
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`decodeAttention: ${k} = ${v} must be a positive integer`);
  }
  if (nH % nKv !== 0) throw new Error(`decodeAttention: nH ${nH} is not a multiple of nKv ${nKv}`);
  if (d > 256) throw new Error(`decodeAttention: head dim ${d} > 256`);
  expectNumel('decodeAttention: q', q, B * Tq * nH * d);
  expectNumel('decodeAttention: kCache', kCache, B * S * nKv * d);
  expectNumel('decodeAttention: vCache', vCache, B * S * nKv * d);
  expectBytes('decodeAttention: start', start, B * 4);
  const o = outputTensor(rt, 'decodeAttention: out', [B, Tq, nH * d]);
  const lse = outputTensor(rt, 'decodeAttention: lse', [B, Tq, nH]);
  expectNoAlias('decodeAttention: out', o, q, kCache, vCache, start, lse);
  rt.dispatch(rt.pipeline(code), [q, kCache, vCache, { buffer: start, offset: 0, size: B * 4 }, o, lse],
    grid1d(rt, B * Tq * nH, 64), packParams([B, Tq, S, nH, nKv, d, { f32: 1 / Math.sqrt(d) }]));
  return { out: o, lse };
}
