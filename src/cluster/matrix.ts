// Row-major matrices as flat typed arrays: `data` is [n, dim], row i at data[i*dim .. (i+1)*dim).
// Shared checks and conversions for every clustering function.

/** Throws a clear error unless `data` holds exactly n rows of `dim` values, all finite. */
export function checkMatrix(what: string, data: Float32Array, n: number, dim: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: n must be a whole number, got ${n}`);
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`${what}: dim must be a positive integer, got ${dim}`);
  if (data.length !== n * dim) throw new Error(`${what}: data has ${data.length} values, expected n*dim = ${n}*${dim} = ${n * dim}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`${what}: data row ${Math.floor(i / dim) + 1} (1-based) has a non-finite value ${data[i]} at column ${(i % dim) + 1}`);
  }
}

/** Packs equal-length vectors into one [n, dim] matrix. */
export function packRows(vectors: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new Error(`packRows: vector ${i + 1} (1-based) has length ${v.length}, expected ${dim}`);
    out.set(v, i * dim);
  });
  return out;
}

/** Copies the listed rows into a new [rows.length, dim] matrix. */
export function gatherRows(data: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r] * dim, rows[r] * dim + dim), r * dim);
  return out;
}

/** 0, 1, ..., n-1 as an Int32Array (the row list of a full pass). */
export function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
