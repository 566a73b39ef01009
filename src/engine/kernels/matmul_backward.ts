// Gradients of a linear layer y = x · Wᵀ (+ b): the input gradient through a frozen GpuWeight
// (f32 / q8 / q4, dequantized in the kernel), and the weight and bias gradients through matmulTT.
import dequant from '../../../shaders/dequant.wgsl?raw';
import body from '../../../shaders/matmul_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import type { GpuWeight } from '../weights.ts';
import { expectNumel, outputTensor, packParams, placeholder } from './common.ts';
import { matmulTT } from './matmul.ts';

const code = dequant + body;

const DTYPE_CODE = { f32: 0, q8: 1, q4: 2 } as const;

/** dX = dY · W (+ dX with accumulate).  dY: [M, N], W: [N, K] (frozen, any dtype) → dX: [M, K] */
export function matmulBackwardInput(rt: Runtime, dy: Tensor, w: GpuWeight, M: number, options: { out?: Tensor; accumulate?: boolean } = {}): Tensor {
  const K = w.cols;
  const N = w.rows;
  expectNumel('matmulBackwardInput: dy', dy, M * N);
  if (options.accumulate && !options.out) throw new Error('matmulBackwardInput: accumulate needs out');
  if (w.parts.length === 0) throw new Error('matmulBackwardInput: the weight was destroyed');
  const dx = outputTensor(rt, 'matmulBackwardInput: out', [M, K], options.out);
  if (dx.buffer === dy.buffer) throw new Error('matmulBackwardInput: out must not alias dy');
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
