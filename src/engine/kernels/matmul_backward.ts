// Gradients of a linear layer y = x · Wᵀ (+ b): the input gradient through a frozen GpuWeight
// (f32 / q8 / q4, dequantized in the kernel), and the weight and bias gradients through matmulTT.
// On software adapters, for an f32 weight in one part with every side a multiple of 4 and enough rows
// (transposedPays), the input gradient is instead dY's transposed copy times W through matmulTT's tn_vec4, which
// reads both operands along the output block: at tiny-math's shapes (704 rows, 64–384 features) 2x the direct
// kernel on lavapipe (7 → 14–16 GFLOP/s) and 1.6–2x on SwiftShader, the transpose included (about a tenth of
// the product's time). Real GPUs keep the direct kernel: not measured there.
import dequant from '../../../shaders/dequant.wgsl?raw';
import body from '../../../shaders/matmul_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import type { GpuWeight } from '../weights.ts';
import { expectNumel, outputTensor, packParams, placeholder } from './common.ts';
import { matmulTT, transposedPays } from './matmul.ts';
import { transpose, transposable } from './transpose.ts';

const code = dequant + body;

const DTYPE_CODE = { f32: 0, q8: 1, q4: 2 } as const;

/**
 * dX = dY · W (+ dX with accumulate).  dY: [M, N], W: [N, K] (frozen, any dtype) → dX: [M, K].
 * `kernel` forces one path (tests compare the two); the transposed one needs f32 in one part and sides multiples of 4.
 */
export function matmulBackwardInput(rt: Runtime, dy: Tensor, w: GpuWeight, M: number, options: { out?: Tensor; accumulate?: boolean; kernel?: 'direct' | 'transposed' } = {}): Tensor {
  const K = w.cols;
  const N = w.rows;
  expectNumel('matmulBackwardInput: dy', dy, M * N);
  if (options.accumulate && !options.out) throw new Error('matmulBackwardInput: accumulate needs out');
  if (w.parts.length === 0) throw new Error('matmulBackwardInput: the weight was destroyed');
  const dx = outputTensor(rt, 'matmulBackwardInput: out', [M, K], options.out);
  if (dx.buffer === dy.buffer) throw new Error('matmulBackwardInput: out must not alias dy');
  const applies = w.dtype === 'f32' && w.parts.length === 1 && w.stride === K && transposable(M, N) && K % 4 === 0;
  if (options.kernel === 'transposed' && !applies) throw new Error(`matmulBackwardInput: the transposed path needs an f32 weight in one part and M, N, K multiples of 4 (got ${w.dtype}, ${w.parts.length} part(s), M ${M}, N ${N}, K ${K})`);
  if (options.kernel === 'transposed' || (options.kernel === undefined && applies && transposedPays(rt, M))) {
    const dyT = transpose(rt, dy, M, N); // [N, M]
    matmulTT(rt, dyT, { buffer: w.parts[0].data, shape: [N, K] }, dx, M, N, K, { transA: true, accumulate: options.accumulate });
    rt.release(dyT);
    return dx;
  }
  const K4 = Math.ceil(K / 4);
  const pipeline = rt.pipeline(code, 'main', { DTYPE: DTYPE_CODE[w.dtype] });
  const stride = w.dtype === 'f32' ? w.stride / 4 : w.stride;
  const groupSize4 = w.dtype === 'f32' ? K4 : w.groupSize / 4;
  w.parts.forEach((part, i) => {
    const accumulate = i > 0 || options.accumulate ? 1 : 0;
    const params = packParams([M, K, K4, N, stride, groupSize4, w.groupsPerRow, part.rowStart, part.rows, accumulate]);
    rt.dispatch(pipeline, [dy, part.data, part.data, part.scales ?? placeholder(rt), dx],
      [Math.ceil(K4 / 8), Math.ceil(Math.ceil(M / 4) / 8)], params);
  });
  return dx;
}

/** dW = alpha · dYᵀ · X (+ dW with accumulate).  dY: [M, N], X: [M, K] → dW: [N, K] */
export function matmulBackwardWeight(rt: Runtime, dy: Tensor, x: Tensor, dw: Tensor, M: number, K: number, N: number, options: { accumulate?: boolean; alpha?: number } = {}): Tensor {
  return matmulTT(rt, dy, x, dw, N, M, K, { transA: true, accumulate: options.accumulate, alpha: options.alpha });
}

/** dBias = column sums of dY (+ dBias with accumulate), as ones[1, M] · dY.  dY: [M, N] → db: [N] */
export function biasBackward(rt: Runtime, dy: Tensor, db: Tensor, M: number, N: number, options: { accumulate?: boolean } = {}): Tensor {
  const ones = rt.tensor([1, M], new Float32Array(M).fill(1));
  matmulTT(rt, ones, dy, { buffer: db.buffer, shape: [1, N] }, 1, M, N, { accumulate: options.accumulate });
  rt.release(ones);
  return db;
}
