// The assignment step of k-means: each row goes to its nearest centroid (ties: the lowest centroid index).
// Rows are processed in blocks so the [block, k] distance buffer stays in cache.
import { dotKernel, squaredDistances, type DotKernel } from './distances.ts';
import { allRows } from './matrix.ts';

/** Rows per block of the distance computation. */
const BLOCK_ROWS = 256;

export interface Assignment {
  /** nearest centroid of every row: [n] */
  assignments: Int32Array;
  /** squared distance to it: [n] */
  nearest: Float64Array;
  /** squared distance to the second-nearest centroid (Infinity when k = 1): [n] */
  second: Float64Array;
}

/**
 * Nearest and second-nearest centroid of the listed rows (all rows when `rows` is omitted).
 * data: [n, dim]; rowNorms: ||row||² [n]; centroids: [k, dim]; centroidNorms: [k].
 * Results are written at each row's own index in `into` (allocated for n rows when not given). `kernel`: a DotKernel
 * over `data`, for callers that assign repeatedly (one is made per call otherwise).
 */
export function assignNearest(
  data: Float32Array,
  n: number,
  dim: number,
  rowNorms: Float64Array,
  centroids: Float32Array,
  centroidNorms: Float64Array,
  k: number,
  rows: Int32Array = allRows(n),
  count: number = rows.length,
  into?: Assignment,
  kernel?: DotKernel,
): Assignment {
  // without a kernel from the caller: copying the rows into wasm memory pays off only when each row meets many centroids
  const dots = kernel ?? dotKernel(data, n, dim, count * k >= 4 * n ? 'auto' : 'js');
  const out = into ?? { assignments: new Int32Array(n), nearest: new Float64Array(n), second: new Float64Array(n) };
  const block = new Float64Array(BLOCK_ROWS * k);
  const blockRows = new Int32Array(BLOCK_ROWS);
  for (let start = 0; start < count; start += BLOCK_ROWS) {
    const size = Math.min(BLOCK_ROWS, count - start);
    for (let r = 0; r < size; r++) blockRows[r] = rows[start + r];
    squaredDistances(dots, rowNorms, blockRows, size, centroids, centroidNorms, k, block);
    for (let r = 0; r < size; r++) {
      let best = 0;
      let bestD = Infinity;
      let secondD = Infinity;
      const o = r * k;
      for (let j = 0; j < k; j++) {
        const d = block[o + j];
        if (d < bestD) {
          secondD = bestD;
          bestD = d;
          best = j;
        } else if (d < secondD) secondD = d;
      }
      const i = blockRows[r];
      out.assignments[i] = best;
      out.nearest[i] = bestD;
      out.second[i] = secondD;
    }
  }
  return out;
}
