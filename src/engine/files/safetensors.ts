// The safetensors format (https://github.com/huggingface/safetensors#format):
//   [u64 little-endian N][N bytes of JSON header][data]
// The header maps tensor names to { dtype, shape, data_offsets: [begin, end] } (offsets into data),
// plus an optional "__metadata__" of string → string. The data must be covered exactly by the
// tensors: no overlaps, no holes, no trailing bytes.
import { ModelFileError } from './errors.ts';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './half-floats.ts';
import { isPlainObject, parseJsonFile } from './json.ts';

export type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | 'F8_E4M3' | 'F8_E5M2';

/** Bytes per element of every dtype the format defines. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};

/** The dtypes `f32()` converts: the float formats of model weights. */
export const FLOAT_DTYPES: readonly Dtype[] = ['F32', 'F16', 'BF16'];

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Byte range in the data section (after the header). */
  begin: number;
  end: number;
}

// Same cap as the reference implementation: a header larger than this is a broken file, not a model.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsFile {
  readonly fileName: string;
  readonly tensors: Map<string, TensorInfo>;
  readonly metadata: Record<string, string>;
  private readonly data: Uint8Array;

  private constructor(fileName: string, tensors: Map<string, TensorInfo>, metadata: Record<string, string>, data: Uint8Array) {
    this.fileName = fileName;
    this.tensors = tensors;
    this.metadata = metadata;
    this.data = data;
  }

  /** Parses and validates a whole file; keeps a view of `bytes` (no copy). */
  static parse(input: Uint8Array, fileName: string): SafetensorsFile {
    // A plain Uint8Array view: on a Node Buffer, slice() would not copy.
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const headerLength = readHeaderLength(bytes, fileName);
    const headerEnd = 8 + headerLength;
    const headerText = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(8, headerEnd));
    const header = parseJsonFile(headerText, `${fileName} (header)`);
    if (!isPlainObject(header)) throw new ModelFileError(fileName, 'the header is not a JSON object');
    const data = bytes.subarray(headerEnd);
    const metadata = readMetadata(header.__metadata__, fileName);
    const tensors = new Map<string, TensorInfo>();
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      tensors.set(name, readTensorEntry(name, entry, fileName));
    }
    checkCoverage([...tensors.values()], data.length, fileName);
    return new SafetensorsFile(fileName, tensors, metadata, data);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new ModelFileError(this.fileName, `no tensor named ${name}`);
    return info;
  }

  /** The tensor's raw bytes (a view into the file). */
  bytes(name: string): Uint8Array {
    const info = this.info(name);
    return this.data.subarray(info.begin, info.end);
  }

  /** A fresh f32 copy of the tensor; F16 and BF16 are converted exactly. */
  f32(name: string): Float32Array {
    const info = this.info(name);
    const raw = this.bytes(name);
    const count = raw.length / DTYPE_BYTES[info.dtype];
    // Copy first: the data section need not be aligned for a typed-array view.
    const aligned = raw.slice().buffer;
    switch (info.dtype) {
      case 'F32':
        return new Float32Array(aligned, 0, count);
      case 'F16':
        return f16ToF32(new Uint16Array(aligned, 0, count));
      case 'BF16':
        return bf16ToF32(new Uint16Array(aligned, 0, count));
      default:
        throw new ModelFileError(
          this.fileName,
          `tensor ${name} has dtype ${info.dtype}, which cannot be loaded as weights (supported: ${FLOAT_DTYPES.join(', ')})`,
        );
    }
  }
}

function readHeaderLength(bytes: Uint8Array, fileName: string): number {
  if (bytes.length < 8) {
    throw new ModelFileError(fileName, `truncated: ${bytes.length} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new ModelFileError(fileName, `header length ${length} is larger than ${MAX_HEADER_BYTES} bytes: not a safetensors file`);
  }
  const n = Number(length);
  if (8 + n > bytes.length) {
    throw new ModelFileError(fileName, `truncated: the header needs ${n} bytes but only ${bytes.length - 8} follow the length`);
  }
  return n;
}

function readMetadata(value: unknown, fileName: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ModelFileError(fileName, '__metadata__ must be an object of strings');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new ModelFileError(fileName, `__metadata__.${key} must be a string`);
    out[key] = v;
  }
  return out;
}

function readTensorEntry(name: string, entry: unknown, fileName: string): TensorInfo {
  const where = `tensor ${name}`;
  if (!isPlainObject(entry)) throw new ModelFileError(fileName, `${where}: expected an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    throw new ModelFileError(fileName, `${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw new ModelFileError(fileName, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw new ModelFileError(fileName, `${where}: data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new ModelFileError(fileName, `${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const elementBytes = DTYPE_BYTES[dtype as Dtype];
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * elementBytes;
  if (end - begin !== expected) {
    throw new ModelFileError(
      fileName,
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} × [${shape.join(', ')}] needs ${expected}`,
    );
  }
  return { name, dtype: dtype as Dtype, shape: shape as number[], begin, end };
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Tensors must tile the data section exactly: sorted by offset, each starts where the previous ended. */
function checkCoverage(tensors: TensorInfo[], dataLength: number, fileName: string): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: TensorInfo | null = null;
  for (const t of sorted) {
    if (t.end > dataLength) {
      throw new ModelFileError(
        fileName,
        `tensor ${t.name}: data_offsets [${t.begin}, ${t.end}] are out of range: the data section has ${dataLength} bytes (truncated file?)`,
      );
    }
    if (t.begin < position && previous) {
      throw new ModelFileError(
        fileName,
        `tensor ${t.name} [${t.begin}, ${t.end}) overlaps tensor ${previous.name} [${previous.begin}, ${previous.end})`,
      );
    }
    if (t.begin > position) {
      throw new ModelFileError(fileName, `bytes [${position}, ${t.begin}) of the data section belong to no tensor (before ${t.name})`);
    }
    position = t.end;
    previous = t;
  }
  if (position < dataLength) {
    throw new ModelFileError(fileName, `oversized: ${dataLength - position} bytes after the last tensor belong to no tensor`);
  }
}

export interface TensorToWrite {
  dtype?: 'F32' | 'F16' | 'BF16';
  shape: number[];
  data: Float32Array;
}

/** Encodes tensors (in the given order) as a safetensors file; F16/BF16 round to nearest even. */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const dtype = tensor.dtype ?? 'F32';
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(`writeSafetensors: tensor ${name} has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${count}`);
    }
    const bytes = encodeValues(tensor.data, dtype);
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding > 0) headerBytes = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padding));
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

function encodeValues(data: Float32Array, dtype: 'F32' | 'F16' | 'BF16'): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.slice().buffer);
  const halves = dtype === 'F16' ? f32ToF16(data) : f32ToBf16(data);
  return new Uint8Array(halves.buffer);
}
