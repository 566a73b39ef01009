// Causal grouped-query attention over a KV cache [B, S, nKv · d], and the cache write of new keys/values.
import code from '../../../shaders/attention.wgsl?raw';
import rowsCode from '../../../shaders/attention_rows.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { attentionProducts, productsFit } from './attention_products.ts';
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
 * How the forward work is spread (same results up to f32 rounding):
 * - 'workgroup-per-row': 64 threads per query row, one key per thread, reductions in workgroup memory (GPUs, and
 *   single-query decode steps everywhere);
 * - 'thread-per-row': one thread per query row reading vec4s, no barriers (software adapters with several queries
 *   per sequence: prefill and training; measured on lavapipe at tiny-math's training shapes, 16 × 127 tokens,
 *   4 heads of 32: about 450 ms → see the bench's per-step figures). Needs d % 4 = 0.
 * - 'thread-per-row-block': the same with a thread per rowsPerThread('forward') queries of one head, sharing
 *   each key and value row read (lavapipe, d ≤ UNROLL_MAX_HEAD_DIM; on SwiftShader it was no faster).
 * - 'products': batched vec4 products over materialized scores (SwiftShader, see productsPay). Needs d % 4 = 0.
 */
export type AttentionKernel = 'workgroup-per-row' | 'thread-per-row' | 'thread-per-row-block' | 'products';

/** The kernel attention() uses for these dims on this runtime's adapter. */
export function attentionKernelFor(rt: Runtime, dims: AttentionDims): AttentionKernel {
  if (!rt.gpu.info.isSoftware || dims.Tq === 1 || dims.d % 4 !== 0) return 'workgroup-per-row';
  if (rowBlocksPay(rt, dims.d)) return 'thread-per-row-block';
  return productsPay(rt, dims) ? 'products' : 'thread-per-row';
}

/**
 * Whether batched products (attention_products.ts) are the faster attention here: on software adapters other
 * than lavapipe (SwiftShader), for queries that see most of their key slots (Tq ≥ S / 2: training, not a short
 * prefill into a long cache), when the scores fit. Measured at tiny-math's training attention, 4 heads of 32:
 * SwiftShader at 16 × 127 tokens, forward 202 → 120 ms, backward 680 → 276 ms; at 16 × 304, 973 → 516 and
 * 4316 → 1272. lavapipe keeps its row blocks: backward 57 ms against 67 at 16 × 127, 259 against 242 at 16 × 304.
 */
export function productsPay(rt: Runtime, dims: AttentionDims): boolean {
  return rt.gpu.info.isSoftware && !rowBlocksPay(rt, dims.d) && dims.Tq > 1 && 2 * dims.Tq >= dims.S && productsFit(rt, dims);
}

/**
 * Whether the row-block kernels are the faster ones here: on lavapipe, which loads storage lane by lane, with the
 * row loops unrolled. Measured at tiny-math's training attention (16 × 304 tokens, 4 heads of 32), lavapipe:
 * forward 123 → 64 ms, backward 471 → 245 ms; SwiftShader (4 × 304): forward 220 → 250, backward 1040 → 1050.
 */
export function rowBlocksPay(rt: Runtime, d: number): boolean {
  return /llvmpipe|lavapipe/i.test(rt.gpu.info.description) && d <= UNROLL_MAX_HEAD_DIM;
}

/**
 * out = softmax(q·kᵀ / sqrt(d)) · v with query (b, t) at position start[b] + t seeing keys 0 ..= that position.
 * q: [B, Tq, nH·d], kCache/vCache: [B, S, nKv·d], start: u32 [B] → out: [B, Tq, nH·d], lse: [B, Tq, nH]
 */
export function attention(
  rt: Runtime, q: Tensor, kCache: Tensor, vCache: Tensor, start: GPUBuffer, dims: AttentionDims,
  out: { out?: Tensor; lse?: Tensor } = {},
): { out: Tensor; lse: Tensor } {
  return attentionWith(attentionKernelFor(rt, dims), rt, q, kCache, vCache, start, dims, out);
}

/** attention() with a chosen kernel (tests run every kernel on any adapter). */
export function attentionWith(
  kernel: AttentionKernel, rt: Runtime, q: Tensor, kCache: Tensor, vCache: Tensor, start: GPUBuffer, dims: AttentionDims,
  out: { out?: Tensor; lse?: Tensor } = {},
): { out: Tensor; lse: Tensor } {
  checkDims('attention', dims);
  if (kernel !== 'workgroup-per-row' && dims.d % 4 !== 0) throw new Error(`attention: the ${kernel} kernel needs a head dim divisible by 4, got ${dims.d}`);
  const { B, Tq, S, nH, nKv, d } = dims;
  expectNumel('attention: q', q, B * Tq * nH * d);
  expectNumel('attention: kCache', kCache, B * S * nKv * d);
  expectNumel('attention: vCache', vCache, B * S * nKv * d);
  expectBytes('attention: start', start, B * 4);
  const o = outputTensor(rt, 'attention: out', [B, Tq, nH * d], out.out);
  const lse = outputTensor(rt, 'attention: lse', [B, Tq, nH], out.lse);
  expectNoAlias('attention: out', o, q, kCache, vCache, start, lse);
  expectNoAlias('attention: lse', lse, q, kCache, vCache, start);
  const bindings = [q, kCache, vCache, { buffer: start, offset: 0, size: B * 4 }, o, lse];
  if (kernel === 'products') {
    if (!productsFit(rt, dims)) throw new Error(`attention: the products kernel needs d % 4 = 0 and scores within its memory cap (got B ${B}, Tq ${Tq}, S ${S}, nH ${nH}, d ${d})`);
    attentionProducts(rt, q, kCache, vCache, start, dims, o, lse);
  } else if (kernel === 'thread-per-row-block') {
    const rows = rowsPerThread('forward');
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, rows), 'attend_row_blocks'), bindings, grid1d(rt, B * Math.ceil(Tq / rows) * nH, 64), params(dims));
  } else if (kernel === 'thread-per-row') {
    rt.dispatch(rt.pipeline(withHeadDim(rowsCode, d, 1), 'attend_rows'), bindings, grid1d(rt, B * Tq * nH, 64), params(dims));
  } else rt.dispatch(rt.pipeline(code, 'attend'), bindings, grid1d(rt, B * Tq * nH, 1), params(dims));
  return { out: o, lse };
}

const specialized = new Map<string, Map<string, string>>();
/** Head dims up to which the row loops get a constant trip count (unrolled: about 2x faster on lavapipe at d = 32;
 * at d = 128 and more, unrolling makes the shader compile for minutes on lavapipe). */
const UNROLL_MAX_HEAD_DIM = 64;

/**
 * Rows per thread in the row-block kernels (their `const QPT`). Measured on lavapipe at tiny-math's training
 * attention (16 × 304 tokens, 4 heads of 32), ms for 1 / 2 / 4 / 8 rows: forward 145 / 86 / 58 / 78; backward with
 * the same rows for dq and dk/dv 500 / 274 / 391 / 510, with 4 for dq and 2 for dk/dv 230–260 (2 and 4: 437).
 * More rows than that no longer stay in registers.
 */
export function rowsPerThread(kernel: 'forward' | 'dq' | 'dkv'): number {
  return kernel === 'dkv' ? 2 : 4;
}

/**
 * A thread-per-row shader with its `const D4 = 64u` (head dim / 4, the size of its row arrays) set to d / 4
 * (d % 4 = 0, d ≤ 256), its `const QPT = 1u` (rows per thread) to `rows`, and for d ≤ UNROLL_MAX_HEAD_DIM its
 * loops `let d4 = p.d / 4u;` bounded by that constant.
 * The text is made once per shader, d and rows, so the runtime's pipeline lookup keeps finding the same string.
 */
export function withHeadDim(shader: string, d: number, rows: number): string {
  const marker = 'const D4 = 64u;';
  if (!shader.includes(marker)) throw new Error('withHeadDim: the shader has no head-dim constant');
  let byShape = specialized.get(shader);
  if (!byShape) specialized.set(shader, (byShape = new Map()));
  const key = `${d} ${rows}`;
  let code = byShape.get(key);
  if (code === undefined) {
    code = shader.replace(marker, `const D4 = ${d / 4}u;`).replace('const QPT = 1u;', `const QPT = ${rows}u;`);
    if (d <= UNROLL_MAX_HEAD_DIM) code = code.replaceAll('let d4 = p.d / 4u;', 'let d4 = D4;');
    byShape.set(key, code);
  }
  return code;
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
