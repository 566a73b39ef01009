// Dot products of rows with centroids in WebAssembly SIMD (128-bit, f32x4): the hot loop of k-means, seeding and
// the silhouette. One exported function, assembled here byte by byte (no toolchain, no binary file):
//
//   dotBlock(x0, x1, c, k, rowBytes, out)
//     x0, x1: byte offsets of two rows; c: offset of k centroid rows (k a multiple of 4), each rowBytes long
//     (rowBytes a multiple of 16: rows are zero-padded to a multiple of 4 floats, which leaves dot products alone);
//     out: offset of [2, k] f32. For each block of 4 centroids, 8 f32x4 accumulators (2 rows × 4 centroids) run
//     over the row 4 floats at a time; each lane sum is stored as out[r*k + j].
//
// Accumulation is in f32 (4 lanes each summing a quarter of the terms), as scikit-learn computes f32 data: relative
// error ~1e-7 per dot product. The TypeScript reference is dotProducts (distances.ts), which the tests hold this to.

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

// opcodes (WebAssembly core spec 2.0 and its SIMD proposal)
const I32 = 0x7f;
const V128 = 0x7b;
const OP = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  f32Add: [0x92],
  /** f32.store with alignment 2^2 and a constant byte offset */
  f32Store: (offset: number) => [0x38, 2, ...uleb(offset)],
  /** v128.load with alignment 2^4, offset 0 */
  v128Load: [0xfd, ...uleb(0x00), 4, 0],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  f32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1f), lane],
  f32x4Add: [0xfd, ...uleb(228)],
  f32x4Mul: [0xfd, ...uleb(230)],
};

/** The module's bytes: imports env.memory, exports dotBlock. */
export function dotBlockModuleBytes(): Uint8Array<ArrayBuffer> {
  // locals: params 0..5, then i32 j, d, c0..c3 (6..11), v128 acc0..acc7 (12..19), p, q, u (20..22)
  const [x0, x1, c, k, rowBytes, out] = [0, 1, 2, 3, 4, 5];
  const [j, d] = [6, 7];
  const cj = [8, 9, 10, 11];
  const acc = (a: number) => 12 + a;
  const [p, q, u] = [20, 21, 22];
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((part) => code.push(...part));
  emit(OP.i32(0), OP.set(j));
  emit(OP.block, OP.loop); // for (j = 0; j < k; j += 4)
  emit(OP.get(j), OP.get(k), OP.i32GeU, OP.brIf(1));
  emit(OP.get(c), OP.get(j), OP.get(rowBytes), OP.i32Mul, OP.i32Add, OP.set(cj[0]));
  for (let t = 1; t < 4; t++) emit(OP.get(cj[t - 1]), OP.get(rowBytes), OP.i32Add, OP.set(cj[t]));
  for (let a = 0; a < 8; a++) emit(OP.v128Zero, OP.set(acc(a)));
  emit(OP.i32(0), OP.set(d));
  emit(OP.block, OP.loop); // for (d = 0; d < rowBytes; d += 16)
  emit(OP.get(d), OP.get(rowBytes), OP.i32GeU, OP.brIf(1));
  emit(OP.get(x0), OP.get(d), OP.i32Add, OP.v128Load, OP.set(p));
  emit(OP.get(x1), OP.get(d), OP.i32Add, OP.v128Load, OP.set(q));
  for (let t = 0; t < 4; t++) {
    emit(OP.get(cj[t]), OP.get(d), OP.i32Add, OP.v128Load, OP.set(u));
    emit(OP.get(acc(t)), OP.get(p), OP.get(u), OP.f32x4Mul, OP.f32x4Add, OP.set(acc(t)));
    emit(OP.get(acc(4 + t)), OP.get(q), OP.get(u), OP.f32x4Mul, OP.f32x4Add, OP.set(acc(4 + t)));
  }
  emit(OP.get(d), OP.i32(16), OP.i32Add, OP.set(d), OP.br(0));
  emit(OP.end, OP.end);
  for (let a = 0; a < 8; a++) {
    const row = a >> 2;
    const t = a & 3;
    // address: out + ((j + row·k) << 2), plus t·4 as the store's offset
    emit(OP.get(out), OP.get(j), row === 1 ? [...OP.get(k), ...OP.i32Add] : [], OP.i32(2), OP.i32Shl, OP.i32Add);
    emit(OP.get(acc(a)), OP.f32x4ExtractLane(0), OP.get(acc(a)), OP.f32x4ExtractLane(1), OP.f32Add);
    emit(OP.get(acc(a)), OP.f32x4ExtractLane(2), OP.f32Add, OP.get(acc(a)), OP.f32x4ExtractLane(3), OP.f32Add);
    emit(OP.f32Store(t * 4));
  }
  emit(OP.get(j), OP.i32(4), OP.i32Add, OP.set(j), OP.br(0));
  emit(OP.end, OP.end, OP.end);
  const body = [...vector([[...uleb(6), I32], [...uleb(11), V128]]), ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), 0x00]])), // (i32 ×6) → ()
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])), // memory, min 1 page
    ...section(3, vector([[0x00]])),
    ...section(7, vector([[...name('dotBlock'), 0x00, 0x00]])),
    ...section(10, vector([[...uleb(body.length), ...body]])),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is not available. Small enough to compile synchronously. */
export function dotBlockModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = dotBlockModuleBytes();
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;

/**
 * Rows of one matrix copied into WebAssembly memory (zero-padded to a multiple of 4 floats), with room for the
 * centroids of each call. Null when SIMD is missing or the memory cannot be had.
 */
export class WasmDots {
  private readonly memory: WebAssembly.Memory;
  private readonly dotBlock: (x0: number, x1: number, c: number, k: number, rowBytes: number, out: number) => void;
  private readonly stride: number;
  private readonly dataBytes: number;

  private constructor(module: WebAssembly.Module, data: Float32Array, n: number, readonly dim: number) {
    this.stride = Math.ceil(dim / 4) * 4;
    this.dataBytes = n * this.stride * 4;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.dataBytes + 64 * this.stride * 4 + 1024) / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.dotBlock = instance.exports.dotBlock as WasmDots['dotBlock'];
    const heap = new Float32Array(this.memory.buffer, 0, n * this.stride);
    if (this.stride === dim) heap.set(data.subarray(0, n * dim));
    else for (let i = 0; i < n; i++) heap.set(data.subarray(i * dim, i * dim + dim), i * this.stride);
  }

  static create(data: Float32Array, n: number, dim: number): WasmDots | null {
    const module = dotBlockModule();
    if (!module) return null;
    try {
      return new WasmDots(module, data, n, dim);
    } catch {
      return null; // e.g. a RangeError: no memory that large
    }
  }

  /** out[r*k + j] = row(rows[r]) · centroids[j] (centroids: [k, dim]); the same contract as dotProducts. */
  dots(rows: Int32Array, count: number, centroids: Float32Array, k: number, out: Float64Array): void {
    const k4 = Math.ceil(k / 4) * 4;
    const rowBytes = this.stride * 4;
    const centroidOffset = this.dataBytes;
    const outOffset = centroidOffset + k4 * rowBytes;
    this.ensureBytes(outOffset + 2 * k4 * 4);
    const heap = new Float32Array(this.memory.buffer);
    const base = centroidOffset / 4;
    heap.fill(0, base, base + k4 * this.stride);
    if (this.stride === this.dim) heap.set(centroids.subarray(0, k * this.dim), base);
    else for (let j = 0; j < k; j++) heap.set(centroids.subarray(j * this.dim, (j + 1) * this.dim), base + j * this.stride);
    const result = heap.subarray(outOffset / 4, outOffset / 4 + 2 * k4);
    for (let r = 0; r < count; r += 2) {
      const a = rows[r];
      const b = r + 1 < count ? rows[r + 1] : a;
      this.dotBlock(a * rowBytes, b * rowBytes, centroidOffset, k4, rowBytes, outOffset);
      const oa = r * k;
      for (let j = 0; j < k; j++) out[oa + j] = result[j];
      if (r + 1 < count) {
        const ob = oa + k;
        for (let j = 0; j < k; j++) out[ob + j] = result[k4 + j];
      }
    }
  }

  private ensureBytes(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
}
