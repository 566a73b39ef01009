// Causal grouped-query attention over a KV cache [B, S, nKv · d], and the cache write of new keys/values.
import code from '../../../shaders/attention.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

export interface AttentionDims {
  B: number; // sequences
  Tq: number; // queries per sequence
  S: number; // cache slots per sequence
  nH: number; // query heads
  nKv: number; // key/value heads (divides nH)
  d: number; // head dim (≤ 256)
}

const MAX_HEAD_DIM = 256;

function checkDims(what: string, dims: AttentionDims): void {
  const { nH, nKv, d } = dims;
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${what}: ${k} = ${v} must be a positive integer`);
  }
  if (nH % nKv !== 0) throw new Error(`${what}: nH ${nH} is not a multiple of nKv ${nKv}`);
  if (d > MAX_HEAD_DIM) throw new Error(`${what}: head dim ${d} > ${MAX_HEAD_DIM}`);
}

function params(dims: AttentionDims): ArrayBuffer {
  const { B, Tq, S, nH, nKv, d } = dims;
  return packParams([B, Tq, S, nH, nKv, d, { f32: 1 / Math.sqrt(d) }]);
}

/**
 * out = softmax(q·kᵀ / sqrt(d)) · v with query (b, t) at position start[b] + t seeing keys 0 ..= that position.
 * q: [B, Tq, nH·d], kCache/vCache: [B, S, nKv·d], start: u32 [B] → out: [B, Tq, nH·d], lse: [B, Tq, nH]
 */
export function attention(
  rt: Runtime, q: Tensor, kCache: Tensor, vCache: Tensor, start: GPUBuffer, dims: AttentionDims,
  out: { out?: Tensor; lse?: Tensor } = {},
): { out: Tensor; lse: Tensor } {
  checkDims('attention', dims);
  const { B, Tq, S, nH, nKv, d } = dims;
  expectNumel('attention: q', q, B * Tq * nH * d);
  expectNumel('attention: kCache', kCache, B * S * nKv * d);
  expectNumel('attention: vCache', vCache, B * S * nKv * d);
  expectBytes('attention: start', start, B * 4);
  const o = outputTensor(rt, 'attention: out', [B, Tq, nH * d], out.out);
  const lse = outputTensor(rt, 'attention: lse', [B, Tq, nH], out.lse);
  expectNoAlias('attention: out', o, q, kCache, vCache, start, lse);
  expectNoAlias('attention: lse', lse, q, kCache, vCache, start);
  rt.dispatch(rt.pipeline(code, 'attend'), [q, kCache, vCache, { buffer: start, offset: 0, size: B * 4 }, o, lse],
    grid1d(rt, B * Tq * nH, 1), params(dims));
  return { out: o, lse };
}

/** Writes k, v: [B, Tq, nKv·d] into kCache, vCache: [B, S, nKv·d] at slots start[b] + t (slots ≥ S are dropped). */
export function kvWrite(rt: Runtime, k: Tensor, v: Tensor, kCache: Tensor, vCache: Tensor, start: GPUBuffer, dims: AttentionDims): void {
  checkDims('kvWrite', dims);
  const { B, Tq, S, nKv, d } = dims;
  expectNumel('kvWrite: k', k, B * Tq * nKv * d);
  expectNumel('kvWrite: v', v, B * Tq * nKv * d);
  expectNumel('kvWrite: kCache', kCache, B * S * nKv * d);
  expectNumel('kvWrite: vCache', vCache, B * S * nKv * d);
  expectBytes('kvWrite: start', start, B * 4);
  if (kCache.buffer === vCache.buffer) throw new Error('kvWrite: kCache and vCache must be different buffers');
  expectNoAlias('kvWrite: kCache', kCache, k, v, start);
  expectNoAlias('kvWrite: vCache', vCache, k, v, start);
  rt.dispatch(rt.pipeline(code, 'kv_write'), [k, v, { buffer: start, offset: 0, size: B * 4 }, kCache, vCache],
    grid1d(rt, B * Tq * nKv * d, 256), params(dims));
}
