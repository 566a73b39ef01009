// Matmul wrappers: `matmul` for frozen weights (GpuWeight in f32 / q8 / q4, one dispatch per part) and
// `matmulTT`, a general f32 product of activations with optional transposes.
import dequant from '../../../shaders/dequant.wgsl?raw';
import body from '../../../shaders/matmul.wgsl?raw';
import codeTT from '../../../shaders/matmul_tt.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import type { GpuWeight } from '../weights.ts';
import { expectAtLeast, expectNoAlias, expectNumel, grid1d, outputTensor, packParams, placeholder } from './common.ts';
import { padCols } from './elementwise.ts';
import { transpose, transposable } from './transpose.ts';

const code = dequant + body;

const DTYPE_CODE = { f32: 0, q8: 1, q4: 2 } as const;
/** rows of x up to which the decode kernel (threads split K) is used */
export const DECODE_MAX_M = 8;
const DECODE_TK = 16; // threads along K per column quad in the decode kernel (≥ DECODE_MAX_M)

export interface MatmulOptions {
  bias?: Tensor; // [N]
  /** y += x · Wᵀ instead of y = x · Wᵀ */
  accumulate?: boolean;
  out?: Tensor; // [M, N]
  /** force a kernel (tests and benchmarks); default: see chooseKernel */
  kernel?: MatmulKernel;
}

/**
 * tiled and decode: matmul.wgsl. transposed: xᵀ and Wᵀ copied (transpose.wgsl), then multiplied by matmulTT's
 * tn_vec4, which reads both operands along the output block (f32 weights in one part, no bias, sides multiples of 4).
 */
export type MatmulKernel = 'tiled' | 'decode' | 'transposed';

/**
 * Rows of x from which the transposed kernel is used on software adapters. Measured on lavapipe (K 128–384,
 * N 64–384, both transposes included): 1.3–1.9x the tiled kernel at M ≥ 256, mixed at M = 128. On SwiftShader
 * 1.6–2.4x from M = 176. Real GPUs keep the tiled kernel: not measured there.
 */
const TRANSPOSED_MIN_M = 256;

/** Whether products of M rows pay for transposed copies on this adapter (here and in matmulBackwardInput). */
export function transposedPays(rt: Runtime, M: number): boolean {
  return rt.gpu.info.isSoftware && M >= TRANSPOSED_MIN_M;
}

/** Whether the transposed kernel takes this product. */
function transposedApplies(w: GpuWeight, M: number, bias: Tensor | undefined): boolean {
  return w.dtype === 'f32' && w.parts.length === 1 && w.stride === w.cols && transposable(M, w.cols) && w.rows % 4 === 0 && !bias;
}

/** y = x · Wᵀ (+ bias) (+ y).  x: [M, K], W: [N, K] → y: [M, N] */
export function matmul(rt: Runtime, x: Tensor, w: GpuWeight, M: number, options: MatmulOptions = {}): Tensor {
  const K = w.cols;
  const N = w.rows;
  expectNumel('matmul: x', x, M * K);
  if (options.bias) expectNumel('matmul: bias', options.bias, N);
  if (options.accumulate && !options.out) throw new Error('matmul: accumulate needs out');
  if (w.parts.length === 0) throw new Error('matmul: the weight was destroyed');
  const y = outputTensor(rt, 'matmul: out', [M, N], options.out);
  expectNoAlias('matmul', y, x, options.bias, ...w.parts.flatMap((p) => [p.data, p.scales]));
  const kernel = options.kernel ?? chooseKernel(rt, M, w, options.bias);
  if (kernel === 'transposed') {
    if (!transposedApplies(w, M, options.bias)) throw new Error(`matmul: the transposed kernel needs an f32 weight in one part, no bias and M, K, N multiples of 4 (got ${w.dtype}, ${w.parts.length} part(s), M ${M}, K ${K}, N ${N}${options.bias ? ', a bias' : ''})`);
    const xT = transpose(rt, x, M, K); // [K, M]
    const wT = transpose(rt, { buffer: w.parts[0].data, shape: [N, K] }, N, K); // [K, N]
    matmulTT(rt, xT, wT, y, M, K, N, { transA: true, accumulate: options.accumulate });
    rt.release(xT);
    rt.release(wT);
    return y;
  }
  const K4 = Math.ceil(K / 4);
  // the kernels read x as vec4: pad its rows with zeros when K % 4 ≠ 0
  const xPadded = K % 4 === 0 ? x : padCols(rt, x, M, K, K4 * 4);
  if (kernel === 'decode' && M > DECODE_MAX_M) throw new Error(`matmul: the decode kernel takes M ≤ ${DECODE_MAX_M}, got ${M}`);
  const dtype = DTYPE_CODE[w.dtype];
  const tile = tiledShape(M);
  const pipeline = kernel === 'decode'
    ? rt.pipeline(code, 'decode', { DTYPE: dtype, TK: DECODE_TK, MMAX: roundRows(M) })
    : rt.pipeline(code, 'tiled', { DTYPE: dtype, RM: tile.rm, WGX: tile.wgx, WGY: tile.wgy });
  const groupSize4 = w.dtype === 'f32' ? K4 : w.groupSize / 4;
  const groupsPerRow = w.dtype === 'f32' ? 1 : w.groupsPerRow;
  const stride = w.dtype === 'f32' ? w.stride / 4 : w.stride;
  const flags = (options.bias ? 1 : 0) | (options.accumulate ? 2 : 0);
  for (const part of w.parts) {
    const params = packParams([M, part.rows, K4, stride, groupSize4, groupsPerRow, N, part.rowStart, flags]);
    const groups: [number, number] = kernel === 'decode'
      ? [Math.ceil(part.rows / 16), 1]
      : [Math.ceil(part.rows / (4 * tile.wgx)), Math.ceil(M / (tile.rm * tile.wgy))];
    const scales = part.scales ?? placeholder(rt);
    rt.dispatch(pipeline, [xPadded, part.data, part.data, scales, options.bias ?? placeholder(rt), y], groups, params);
  }
  if (xPadded !== x) rt.release(xPadded);
  return y;
}

/** M rounded up to 1, 2, 4 or 8: kernels are compiled per bucket (fewer registers and no duplicate rows for small M). */
function roundRows(M: number): number {
  return M <= 1 ? 1 : M <= 2 ? 2 : M <= 4 ? 4 : 8;
}

/**
 * Small M on a CPU adapter: measured on llvmpipe (M=1..8, K=512, N=1536), the tiled kernel with one thread per
 * column quad beats splitting K across threads (the barriers and shared-memory reduction cost more than the
 * extra parallelism buys on 2 cores). A real GPU needs the K split to fill its cores when M·N/4 is small.
 * Large M on a CPU adapter: the transposed kernel where it applies (TRANSPOSED_MIN_M).
 */
function chooseKernel(rt: Runtime, M: number, w: GpuWeight, bias: Tensor | undefined): MatmulKernel {
  if (M <= DECODE_MAX_M && !rt.gpu.info.isSoftware) return 'decode';
  return transposedPays(rt, M) && transposedApplies(w, M, bias) ? 'transposed' : 'tiled';
}

/**
 * Tiled kernel shape: rm rows of x per thread (1, 2 or 4), workgroups of wgx × wgy threads. Narrow workgroups
 * (8 × 2 of 4×4 blocks) measured best on llvmpipe at M = 8..1024; for M ≤ 4 one block row of rm = M rows
 * (rounded up) keeps threads from computing duplicate rows.
 */
function tiledShape(M: number): { rm: number; wgx: number; wgy: number } {
  if (M <= 4) return { rm: roundRows(M), wgx: 8, wgy: 1 };
  return { rm: 4, wgx: 8, wgy: 2 };
}

export interface MatmulTTOptions {
  /** op(A) = Aᵀ: A is stored [K, M] */
  transA?: boolean;
  /** op(B) = Bᵀ: B is stored [N, K] */
  transB?: boolean;
  /** C += alpha · op(A)·op(B) */
  accumulate?: boolean;
  alpha?: number;
  /** use the general kernel even where the vec4 one applies (tests compare the two) */
  scalarKernel?: boolean;
  /** `count` products in one dispatch (see MatmulBatch); default one */
  batch?: MatmulBatch;
}

/**
 * Product z of a batch reads A at z · strideA, B at floor(z / groupB) · strideB and writes C at z · strideC
 * (strides in floats; groupB > 1 shares a B block among consecutive products, e.g. a key head among its query heads).
 */
export interface MatmulBatch {
  count: number;
  strideA: number;
  strideB: number;
  strideC: number;
  groupB?: number;
}

/**
 * C = alpha · op(A) · op(B) (+ C).  op(A): [M, K], op(B): [K, N], C: [M, N] (all f32, row-major).
 * E.g. dW = dYᵀ · X: matmulTT(rt, dY, X, dW, M=out, K=tokens, N=in, { transA: true }).
 */
export function matmulTT(rt: Runtime, a: Tensor, b: Tensor, c: Tensor, M: number, K: number, N: number, options: MatmulTTOptions = {}): Tensor {
  const batch = options.batch ?? { count: 1, strideA: M * K, strideB: K * N, strideC: M * N };
  const groupB = batch.groupB ?? 1;
  if (!(batch.count >= 1 && groupB >= 1 && batch.count % groupB === 0)) throw new Error(`matmulTT: a batch of ${batch.count} products in groups of ${groupB}`);
  if (batch.strideA < M * K || batch.strideB < K * N || batch.strideC < M * N) throw new Error(`matmulTT: batch strides ${batch.strideA}, ${batch.strideB}, ${batch.strideC} overlap [${M}, ${K}] · [${K}, ${N}] blocks`);
  const expectSize = options.batch ? expectAtLeast : expectNumel;
  expectSize('matmulTT: a', a, (batch.count - 1) * batch.strideA + M * K);
  expectSize('matmulTT: b', b, (batch.count / groupB - 1) * batch.strideB + K * N);
  expectSize('matmulTT: c', c, (batch.count - 1) * batch.strideC + M * N);
  expectNoAlias('matmulTT', c, a, b);
  const [aM, aK] = options.transA ? [1, M] : [K, 1];
  const [bK, bN] = options.transB ? [1, K] : [N, 1];
  const params = packParams([M, N, K, aM, aK, bK, bN, options.accumulate ? 1 : 0, { f32: options.alpha ?? 1 }, batch.strideA, batch.strideB, batch.strideC, groupB]);
  const aligned = [batch.strideA, batch.strideB, batch.strideC].every((s) => s % 4 === 0);
  if (options.transA && !options.transB && M % 4 === 0 && N % 4 === 0 && aligned && !options.scalarKernel) {
    rt.dispatch(rt.pipeline(codeTT, 'tn_vec4'), [a, b, c], [Math.ceil(N / 64), Math.ceil(M / 64), batch.count], params);
  } else if (!options.transA && K % 4 === 0 && N % 4 === 0 && aligned && !options.scalarKernel) {
    rt.dispatch(rt.pipeline(codeTT, 'n_vec4', { TRANS_B: options.transB ? 1 : 0 }), [a, b, c], [...grid1d(rt, Math.ceil(M / 4) * (N / 4), 64), batch.count], params);
  } else {
    rt.dispatch(rt.pipeline(codeTT), [a, b, c], [Math.ceil(N / 32), Math.ceil(M / 32), batch.count], params);
  }
  return c;
}
