// Frozen linear weights on the GPU in f32, q8 or q4 (layouts in quant.ts), split by rows into parts so that
// no binding exceeds maxStorageBufferBindingSize (128 MiB on lavapipe: a 151936 × 896 f32 lm_head is 545 MB).
// The matmul wrapper dispatches once per part, each writing its own column range of y.
import { Q8_DEFAULT_GROUP, quantizeQ4, quantizeQ8, type QuantizedMatrix } from './quant.ts';
import type { Runtime } from './runtime.ts';

export type WeightDtype = 'f32' | 'q8' | 'q4';

export interface WeightPart {
  /** first row (output feature) of W in this part */
  rowStart: number;
  rows: number;
  /** f32: [rows, stride] f32 with stride = ceil(cols / 4) · 4 (zero-padded); q8/q4: u32 [rows, stride] */
  data: GPUBuffer;
  /** q8/q4 only: f32 [rows, groupsPerRow] (q8) or [rows, groupsPerRow, 2] (q4) */
  scales?: GPUBuffer;
}

export interface GpuWeight {
  dtype: WeightDtype;
  rows: number; // out
  cols: number; // in
  /** elements (f32) or u32 words (q8/q4) per row of a part's data */
  stride: number;
  /** input columns per scale (f32: the padded row length) */
  groupSize: number;
  groupsPerRow: number;
  parts: WeightPart[];
  /** bumped whenever the values change in place (an adapter folded into f32 weights), so copies made from them can tell */
  revision?: number;
  /** trained in place (full-parameter training): the values may change at any step, so nothing is copied from them */
  trainedInPlace?: boolean;
}

export interface UploadOptions {
  /** q8 group size (default 64); ignored for f32 and q4 (always 32) */
  groupSize?: number;
  /** largest part in bytes; defaults to the device's maxStorageBufferBindingSize (set it small to test the split) */
  maxPartBytes?: number;
}

const STORAGE_COPY_DST = 0x80 | 0x08 | 0x04;

/** Uploads W: [rows, cols] (Hugging Face nn.Linear layout: [out, in]) as `dtype`. */
export function uploadWeight(rt: Runtime, values: Float32Array, rows: number, cols: number, dtype: WeightDtype, options: UploadOptions = {}): GpuWeight {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new Error(`uploadWeight: rows ${rows} and cols ${cols} must be positive integers`);
  }
  if (values.length !== rows * cols) throw new Error(`uploadWeight: ${values.length} values for a [${rows}, ${cols}] weight`);
  const packed = pack(values, rows, cols, dtype, options.groupSize ?? Q8_DEFAULT_GROUP);
  return { dtype, rows, cols, stride: packed.stride, groupSize: packed.groupSize, groupsPerRow: packed.groupsPerRow, parts: splitIntoParts(rt, packed, rows, options) };
}

/** Uploads an already-quantized matrix (e.g. quantized once and cached). */
export function uploadQuantized(rt: Runtime, q: QuantizedMatrix, options: Pick<UploadOptions, 'maxPartBytes'> = {}): GpuWeight {
  const packed: Packed = { data: q.data, scales: q.scales, stride: q.wordsPerRow, groupSize: q.groupSize, groupsPerRow: q.groupsPerRow };
  return { dtype: q.dtype, rows: q.rows, cols: q.cols, stride: q.wordsPerRow, groupSize: q.groupSize, groupsPerRow: q.groupsPerRow, parts: splitIntoParts(rt, packed, q.rows, options) };
}

/** Uploads packed rows in parts of at most maxPartBytes (and the device's binding and buffer limits) each. */
function splitIntoParts(rt: Runtime, packed: Packed, rows: number, options: Pick<UploadOptions, 'maxPartBytes'>): WeightPart[] {
  const rowBytes = packed.stride * 4;
  const scaleFloats = packed.scales ? packed.scales.length / rows : 0;
  const maxBytes = Math.min(options.maxPartBytes ?? Infinity, rt.gpu.limits.maxStorageBufferBindingSize, rt.gpu.limits.maxBufferSize);
  const rowsPerPart = Math.floor(maxBytes / rowBytes);
  if (rowsPerPart < 1) throw new Error(`uploadWeight: one row of ${rowBytes} bytes exceeds the part limit of ${maxBytes} bytes`);
  const parts: WeightPart[] = [];
  for (let r0 = 0; r0 < rows; r0 += rowsPerPart) {
    const n = Math.min(rowsPerPart, rows - r0);
    const data = createBuffer(rt, packed.data.subarray(r0 * packed.stride, (r0 + n) * packed.stride));
    const scales = packed.scales ? createBuffer(rt, packed.scales.subarray(r0 * scaleFloats, (r0 + n) * scaleFloats)) : undefined;
    parts.push({ rowStart: r0, rows: n, data, scales });
  }
  return parts;
}

export function destroyWeight(w: GpuWeight): void {
  for (const p of w.parts) {
    p.data.destroy();
    p.scales?.destroy();
  }
  w.parts = [];
}

/** Bytes on the GPU (data and scales). */
export function weightBytes(w: GpuWeight): number {
  return w.parts.reduce((s, p) => s + p.data.size + (p.scales?.size ?? 0), 0);
}

interface Packed {
  data: Uint32Array | Float32Array;
  scales?: Float32Array;
  stride: number;
  groupSize: number;
  groupsPerRow: number;
}

function pack(values: Float32Array, rows: number, cols: number, dtype: WeightDtype, q8Group: number): Packed {
  if (dtype === 'f32') {
    const stride = Math.ceil(cols / 4) * 4;
    const data = stride === cols ? values : padRows(values, rows, cols, stride);
    return { data, stride, groupSize: stride, groupsPerRow: 1 };
  }
  let q: QuantizedMatrix;
  if (dtype === 'q8') q = quantizeQ8(values, rows, cols, q8Group);
  else if (dtype === 'q4') q = quantizeQ4(values, rows, cols);
  else throw new Error(`uploadWeight: unknown dtype '${dtype as string}' (expected f32, q8 or q4)`);
  return { data: q.data, scales: q.scales, stride: q.wordsPerRow, groupSize: q.groupSize, groupsPerRow: q.groupsPerRow };
}

function padRows(values: Float32Array, rows: number, cols: number, stride: number): Float32Array {
  const out = new Float32Array(rows * stride);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols, r * cols + cols), r * stride);
  return out;
}

function createBuffer(rt: Runtime, data: Float32Array | Uint32Array): GPUBuffer {
  const buffer = rt.device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: STORAGE_COPY_DST });
  rt.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
  return buffer;
}

