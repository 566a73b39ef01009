// CPU packing of frozen linear weights W: [rows, cols] (rows = out features, cols = in features) into
// the layouts the matmul kernels read, and dequantize(), the exact reference of what the kernels compute with.
//
// q8: symmetric int8 per group of `groupSize` consecutive input columns (default 64):
//     scale = max|w| / 127, q = round(w / scale) ∈ [-127, 127], w ≈ q · scale.
//     data: u32 [rows, ceil(cols / 4)], four int8 per word, column k in byte k % 4 (low byte first);
//     scales: f32 [rows, ceil(cols / groupSize)]. groupSize = cols gives one scale per row.
// q4: asymmetric 4-bit per group of 32 input columns (like GGML's Q4_1):
//     scale = (max - min) / 15, q = round((w - min) / scale) ∈ [0, 15], w ≈ q · scale + min.
//     data: u32 [rows, ceil(cols / 32) · 4], eight nibbles per word, column k in nibble k % 8 (low first);
//     scales: f32 [rows, ceil(cols / 32), 2] = (scale, min).
// Columns past `cols` in the last word/group are padding (q = 0); the kernels never multiply them by
// anything but zero-padded activations.

export type QuantDtype = 'q8' | 'q4';

export interface QuantizedMatrix {
  dtype: QuantDtype;
  rows: number;
  cols: number;
  /** input columns per scale */
  groupSize: number;
  groupsPerRow: number;
  /** u32 words per row of `data` */
  wordsPerRow: number;
  data: Uint32Array;
  /** q8: [rows, groupsPerRow]; q4: [rows, groupsPerRow, 2] (scale, min) */
  scales: Float32Array;
}

export const Q8_DEFAULT_GROUP = 64;
export const Q4_GROUP = 32;

function checkMatrix(what: string, values: Float32Array, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new Error(`${what}: rows ${rows} and cols ${cols} must be positive integers`);
  }
  if (values.length !== rows * cols) throw new Error(`${what}: ${values.length} values for a [${rows}, ${cols}] matrix`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what}: non-finite value ${values[i]} at row ${Math.floor(i / cols)}, col ${i % cols}`);
  }
}

/** int8 with one scale per `groupSize` columns (a multiple of 4, or ≥ cols for one scale per row). */
export function quantizeQ8(values: Float32Array, rows: number, cols: number, groupSize = Q8_DEFAULT_GROUP): QuantizedMatrix {
  checkMatrix('quantizeQ8', values, rows, cols);
  const gs = Math.min(groupSize, Math.ceil(cols / 4) * 4);
  if (!Number.isInteger(gs) || gs <= 0 || gs % 4 !== 0) throw new Error(`quantizeQ8: groupSize ${groupSize} must be a positive multiple of 4`);
  const groupsPerRow = Math.ceil(cols / gs);
  const wordsPerRow = Math.ceil(cols / 4);
  const data = new Uint32Array(rows * wordsPerRow);
  const scales = new Float32Array(rows * groupsPerRow);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groupsPerRow; g++) {
      const k0 = g * gs;
      const k1 = Math.min(k0 + gs, cols);
      let absmax = 0;
      for (let k = k0; k < k1; k++) absmax = Math.max(absmax, Math.abs(values[r * cols + k]));
      const scale = Math.fround(absmax / 127);
      scales[r * groupsPerRow + g] = scale;
      for (let k = k0; k < k1; k++) {
        const q = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(values[r * cols + k] / scale)));
        data[r * wordsPerRow + (k >> 2)] |= (q & 0xff) << (8 * (k & 3));
      }
    }
  }
  return { dtype: 'q8', rows, cols, groupSize: gs, groupsPerRow, wordsPerRow, data, scales };
}

/** 4-bit with (scale, min) per group of 32 columns. */
export function quantizeQ4(values: Float32Array, rows: number, cols: number): QuantizedMatrix {
  checkMatrix('quantizeQ4', values, rows, cols);
  const gs = Q4_GROUP;
  const groupsPerRow = Math.ceil(cols / gs);
  const wordsPerRow = groupsPerRow * (gs / 8);
  const data = new Uint32Array(rows * wordsPerRow);
  const scales = new Float32Array(rows * groupsPerRow * 2);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groupsPerRow; g++) {
      const k0 = g * gs;
      const k1 = Math.min(k0 + gs, cols);
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = k0; k < k1; k++) {
        lo = Math.min(lo, values[r * cols + k]);
        hi = Math.max(hi, values[r * cols + k]);
      }
      const scale = Math.fround((hi - lo) / 15);
      const min = Math.fround(lo);
      scales[(r * groupsPerRow + g) * 2] = scale;
      scales[(r * groupsPerRow + g) * 2 + 1] = min;
      for (let k = k0; k < k1; k++) {
        const q = scale === 0 ? 0 : Math.max(0, Math.min(15, Math.round((values[r * cols + k] - min) / scale)));
        data[r * wordsPerRow + (k >> 3)] |= q << (4 * (k & 7));
      }
    }
  }
  return { dtype: 'q4', rows, cols, groupSize: gs, groupsPerRow, wordsPerRow, data, scales };
}

/** The weights the kernels actually multiply by, as f32 [rows, cols] (each value rounded to f32 like the GPU's q·scale (+ min)). */
export function dequantize(m: QuantizedMatrix): Float32Array {
  const { rows, cols, groupSize, groupsPerRow, wordsPerRow, data, scales } = m;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const g = Math.floor(k / groupSize);
      const word = data[r * wordsPerRow + (m.dtype === 'q8' ? k >> 2 : k >> 3)];
      if (m.dtype === 'q8') {
        const q = ((word >>> (8 * (k & 3))) << 24) >> 24; // sign-extend the byte
        out[r * cols + k] = q * scales[r * groupsPerRow + g];
      } else {
        const q = (word >>> (4 * (k & 7))) & 0xf;
        out[r * cols + k] = q * scales[(r * groupsPerRow + g) * 2] + scales[(r * groupsPerRow + g) * 2 + 1];
      }
    }
  }
  return out;
}

/** ‖a - b‖_F / ‖b‖_F */
export function relativeFrobeniusError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeFrobeniusError: lengths ${a.length} and ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}
