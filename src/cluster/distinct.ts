// Counting distinct rows (bit-identical vectors), to keep k from exceeding what the data can split into.

/** Number of distinct rows of data [n, dim], counting no further than `limit` (default n). */
export function countDistinctRows(data: Float32Array, n: number, dim: number, limit = n): number {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  // hash → first row with that hash, plus any others that collided with it
  const byHash = new Map<number, number[]>();
  let distinct = 0;
  for (let i = 0; i < n && distinct < limit; i++) {
    const h = hashRow(bits, i * dim, dim);
    const rows = byHash.get(h);
    if (!rows) {
      byHash.set(h, [i]);
      distinct++;
    } else if (!rows.some((r) => sameRow(data, r, i, dim))) {
      rows.push(i);
      distinct++;
    }
  }
  return distinct;
}

/** FNV-1a over the row's 32-bit words, −0 hashed as 0 (they compare equal). */
function hashRow(bits: Uint32Array, offset: number, dim: number): number {
  let h = 0x811c9dc5;
  for (let d = 0; d < dim; d++) {
    h ^= bits[offset + d] === 0x80000000 ? 0 : bits[offset + d];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function sameRow(data: Float32Array, a: number, b: number, dim: number): boolean {
  for (let d = 0; d < dim; d++) if (data[a * dim + d] !== data[b * dim + d]) return false;
  return true;
}
