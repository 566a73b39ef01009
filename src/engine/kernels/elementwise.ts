// Elementwise kernels: add, y += alpha·x, scale, and zero-padding of matrix rows (used by matmul when K % 4 ≠ 0).
import code from '../../../shaders/elementwise.wgsl?raw';
import { numel, type Runtime, type Tensor } from '../runtime.ts';
import { expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

const WG = 256;

function params(n: number, alpha = 0, cols = 0, colsOut = 0): ArrayBuffer {
  return packParams([n, cols, colsOut, { f32: alpha }]);
}

/** out = a + b.  a, b: any shape with the same number of elements → out: a's shape */
export function add(rt: Runtime, a: Tensor, b: Tensor, out?: Tensor): Tensor {
  const n = numel(a.shape);
  expectNumel('add: b', b, n);
  // in place (residual adds): out = a + b with out being a or b is an axpy
  if (out && out.buffer === a.buffer) return axpy(rt, out, b);
  if (out && out.buffer === b.buffer) return axpy(rt, out, a);
  const y = outputTensor(rt, 'add: out', a.shape, out);
  rt.dispatch(rt.pipeline(code, 'add'), [a, b, y], grid1d(rt, n, WG), params(n));
  return y;
}

/** y += alpha · x, in place (residual connections).  x, y: same number of elements */
export function axpy(rt: Runtime, y: Tensor, x: Tensor, alpha = 1): Tensor {
  const n = numel(y.shape);
  expectNumel('axpy: x', x, n);
  expectNoAlias('axpy', y, x);
  rt.dispatch(rt.pipeline(code, 'axpy'), [x, y], grid1d(rt, n, WG), params(n, alpha));
  return y;
}

/** out = alpha · a (out may be a itself). */
export function scale(rt: Runtime, a: Tensor, alpha: number, out?: Tensor): Tensor {
  const n = numel(a.shape);
  const y = outputTensor(rt, 'scale: out', a.shape, out);
  if (y.buffer === a.buffer) {
    // one buffer cannot be bound both read-only and read-write in a dispatch
    rt.dispatch(rt.pipeline(code, 'scale_inplace'), [y], grid1d(rt, n, WG), params(n, alpha));
    return y;
  }
  rt.dispatch(rt.pipeline(code, 'scale'), [a, y], grid1d(rt, n, WG), params(n, alpha));
  return y;
}

/** Pads each row with zeros: a: [rows, cols] → out: [rows, colsOut], colsOut ≥ cols. */
export function padCols(rt: Runtime, a: Tensor, rows: number, cols: number, colsOut: number, out?: Tensor): Tensor {
  expectNumel('padCols: a', a, rows * cols);
  if (colsOut < cols) throw new Error(`padCols: colsOut ${colsOut} < cols ${cols}`);
  const y = outputTensor(rt, 'padCols: out', [rows, colsOut], out);
  expectNoAlias('padCols', y, a);
  const n = rows * colsOut;
  rt.dispatch(rt.pipeline(code, 'pad_cols'), [a, y], grid1d(rt, n, WG), params(n, 0, cols, colsOut));
  return y;
}
