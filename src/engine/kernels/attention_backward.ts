// Causal grouped-query attention backward over KV caches (the layout of the forward attention kernel).
import code from '../../../shaders/attention_backward.wgsl?raw';
import rowsCode from '../../../shaders/attention_backward_rows.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { productsPay, rowBlocksPay, rowsPerThread, withHeadDim, type AttentionDims } from './attention.ts';
import { attentionProductsBackward, productsFit } from './attention_products.ts';
import { expectBytes, expectNumel, grid1d, outputTensor, packParams, placeholder } from './common.ts';

/** The largest head dimension the kernels' accumulators hold. */
const ATTENTION_BACKWARD_MAX_HEAD_DIM = 256;

/** Threads per workgroup (WG in the shader). */
const WORKGROUP = 64;

export type { AttentionDims };

/**
 * How the work is spread (same results up to f32 rounding):
 * - 'workgroup-per-row': 64 threads per query row and per key row, reductions in workgroup memory (GPUs);
 * - 'thread-per-row': one thread per row, no barriers (software adapters, which run barriers as coroutine
 *   switches and have only a few cores to fill);
 * - 'thread-per-row-block': a thread per rowsPerThread('dq') queries, then per rowsPerThread('dkv') keys, of one
 *   head, sharing what they read (lavapipe, see rowBlocksPay; needs d % 4 = 0).
 * - 'products': batched vec4 products over materialized scores (SwiftShader, see productsPay; needs d % 4 = 0).
 */
export type AttentionBackwardKernel = 'workgroup-per-row' | 'thread-per-row' | 'thread-per-row-block' | 'products';

/** The kernel attentionBackward uses for these dims on this runtime's adapter. */
export function attentionBackwardKernelFor(rt: Runtime, dims: AttentionDims): AttentionBackwardKernel {
  if (!rt.gpu.info.isSoftware) return 'workgroup-per-row';
  if (dims.d % 4 === 0 && rowBlocksPay(rt, dims.d)) return 'thread-per-row-block';
  return productsPay(rt, dims) ? 'products' : 'thread-per-row';
}

/**
 * Gradients of causal GQA attention, softmax(q·kᵀ / sqrt(d)) · v, where query t of sequence b is at
 * position start[b] + t and sees keys j ≤ start[b] + t.
 * q, dout: [B, Tq, nHeads · d], k, v: [B, S, nKv · d], start: u32 [B]
 * → dq: [B, Tq, nHeads · d], dk, dv: [B, S, nKv · d] (written; keys no query sees get 0)
 * `forward`: the forward pass's output o [B, Tq, nHeads · d] and lse [B, Tq, nHeads], when kept. The thread-per-row
 * kernels then read lse and take D = dout · o instead of sweeping the keys for them (FlashAttention-2); the
 * workgroup kernels recompute both.
 */
export function attentionBackward(
  rt: Runtime, q: Tensor, k: Tensor, v: Tensor, dout: Tensor, start: GPUBuffer, shape: AttentionDims,
  out: { dq?: Tensor; dk?: Tensor; dv?: Tensor } = {}, forward?: ForwardStats,
): { dq: Tensor; dk: Tensor; dv: Tensor } {
  return attentionBackwardWith(attentionBackwardKernelFor(rt, shape), rt, q, k, v, dout, start, shape, out, forward);
}

/** What the forward pass computed: its output and the log-sum-exp of each query row's scores. */
export interface ForwardStats {
  o: Tensor;
  lse: Tensor;
}

/** attentionBackward with a chosen kernel (tests run every kernel on any adapter). */
export function attentionBackwardWith(
  kernel: AttentionBackwardKernel,
  rt: Runtime, q: Tensor, k: Tensor, v: Tensor, dout: Tensor, start: GPUBuffer, shape: AttentionDims,
  out: { dq?: Tensor; dk?: Tensor; dv?: Tensor } = {}, forward?: ForwardStats,
): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const { B, Tq, S, nH: nHeads, nKv, d } = shape;
  if (nHeads % nKv !== 0) throw new Error(`attentionBackward: nHeads ${nHeads} is not a multiple of nKv ${nKv}`);
  if (d > ATTENTION_BACKWARD_MAX_HEAD_DIM) throw new Error(`attentionBackward: headDim ${d} exceeds ${ATTENTION_BACKWARD_MAX_HEAD_DIM}`);
  expectNumel('attentionBackward: q', q, B * Tq * nHeads * d);
  expectNumel('attentionBackward: dout', dout, B * Tq * nHeads * d);
  expectNumel('attentionBackward: k', k, B * S * nKv * d);
  expectNumel('attentionBackward: v', v, B * S * nKv * d);
  expectBytes('attentionBackward: start', start, B * 4);
  if (forward) {
    expectNumel('attentionBackward: forward o', forward.o, B * Tq * nHeads * d);
    expectNumel('attentionBackward: forward lse', forward.lse, B * Tq * nHeads);
  }
  const dq = outputTensor(rt, 'attentionBackward: dq', [B, Tq, nHeads * d], out.dq);
  const dk = outputTensor(rt, 'attentionBackward: dk', [B, S, nKv * d], out.dk);
  const dv = outputTensor(rt, 'attentionBackward: dv', [B, S, nKv * d], out.dv);
  if (kernel === 'products') {
    if (!productsFit(rt, shape)) throw new Error(`attentionBackward: the products kernel needs d % 4 = 0 and scores within its memory cap (got B ${B}, Tq ${Tq}, S ${S}, nH ${nHeads}, d ${d})`);
    attentionProductsBackward(rt, q, k, v, dout, start, shape, { dq, dk, dv }, forward?.lse);
    return { dq, dk, dv };
  }
  const stats = rt.tensor([B, Tq, nHeads, 2]); // (lse, D) per query row and head
  const params = packParams([B, Tq, S, nHeads, nKv, d, { f32: 1 / Math.sqrt(d) }]);
  const startBinding = { buffer: start, offset: 0, size: Math.max(4, B * 4) };
  const dqBindings = [q, k, v, dout, startBinding, dq, stats];
  const dkvBindings = [q, k, v, dout, startBinding, stats, dk, dv];
  // the row kernels' dq: the forward's lse and o when known (placeholders otherwise)
  const rowsDq = { bindings: [...dqBindings, forward?.lse ?? placeholder(rt), forward?.o ?? placeholder(rt)], constants: { KNOWN_STATS: forward ? 1 : 0 } };
  if (kernel === 'workgroup-per-row') {
    // one workgroup per query row (b, t, h), then one per key row (b, j, kv head); each thread owns
    // ceil(d / WORKGROUP) elements of the head dim
    const constants = { DIMS_PER_THREAD: Math.max(1, Math.ceil(d / WORKGROUP)) };
    rt.dispatch(rt.pipeline(code, 'dq_main', constants), dqBindings, grid1d(rt, B * Tq * nHeads, 1), params);
    rt.dispatch(rt.pipeline(code, 'dkv_main', constants), dkvBindings, grid1d(rt, B * S * nKv, 1), params);
  } else if (kernel === 'thread-per-row-block') {
    if (d % 4 !== 0) throw new Error(`attentionBackward: the thread-per-row-block kernel needs a head dim divisible by 4, got ${d}`);
    const queries = rowsPerThread('dq');
    const keys = rowsPerThread('dkv');
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, queries), 'dq_row_blocks', rowsDq.constants), rowsDq.bindings, grid1d(rt, B * Math.ceil(Tq / queries) * nHeads, WORKGROUP), params);
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, keys), 'dkv_row_blocks'), dkvBindings, grid1d(rt, B * Math.ceil(S / keys) * nKv, WORKGROUP), params);
  } else if (d % 4 === 0) {
    // the same threads reading vec4s (attention_backward_rows.wgsl)
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, 1), 'dq_rows4', rowsDq.constants), rowsDq.bindings, grid1d(rt, B * Tq * nHeads, WORKGROUP), params);
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, 1), 'dkv_rows4'), dkvBindings, grid1d(rt, B * S * nKv, WORKGROUP), params);
  } else {
    rt.dispatch(rt.pipeline(code, 'dq_rows_main'), dqBindings, grid1d(rt, B * Tq * nHeads, WORKGROUP), params);
    rt.dispatch(rt.pipeline(code, 'dkv_rows_main'), dkvBindings, grid1d(rt, B * S * nKv, WORKGROUP), params);
  }
  rt.release(stats);
  return { dq, dk, dv };
}
