// Embedding matrices on disk (Node): a file of little-endian f32 rows, [n, dim] row-major, written as batches
// arrive and read back in any order, so a million 384-dimensional vectors (1.5 GB) never need to be in memory.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { RowSource } from '../../cluster/minibatch-kmeans.ts';

/** Appends rows to a vector file. */
export class VectorFileWriter {
  private fd: number | null;
  rows = 0;

  constructor(
    readonly path: string,
    readonly dim: number,
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`VectorFileWriter: dim must be a positive integer, got ${dim}`);
    this.fd = openSync(path, 'w');
  }

  /** rows: [count, dim] in one array, or one vector per row */
  append(rows: Float32Array | Float32Array[]): void {
    if (this.fd === null) throw new Error(`VectorFileWriter: ${this.path} is closed`);
    const list = Array.isArray(rows) ? rows : [rows];
    for (const block of list) {
      if (block.length % this.dim !== 0) throw new Error(`VectorFileWriter: ${block.length} values is not a whole number of rows of ${this.dim}`);
      const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
      this.rows += block.length / this.dim;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A RowSource over a vector file; reads go through the OS page cache. Call close() when done. */
export function fileRows(path: string, dim: number): RowSource & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const rowBytes = dim * 4;
  if (size % rowBytes !== 0) {
    closeSync(fd);
    throw new Error(`${path}: ${size} bytes is not a whole number of rows of ${dim} f32 values (${rowBytes} bytes each)`);
  }
  const n = size / rowBytes;
  const readExactly = (into: Uint8Array, position: number) => {
    let got = 0;
    while (got < into.length) {
      const r = readSync(fd, into, got, into.length - got, position + got);
      if (r === 0) throw new Error(`${path}: unexpected end of file at byte ${position + got}`);
      got += r;
    }
  };
  return {
    n,
    dim,
    readRows(rows, out) {
      // runs of consecutive rows are read with one call
      let r = 0;
      while (r < rows.length) {
        let end = r + 1;
        while (end < rows.length && rows[end] === rows[end - 1] + 1) end++;
        if (rows[r] < 0 || rows[end - 1] >= n) throw new Error(`${path}: row ${rows[r]} is outside [0, ${n})`);
        readExactly(new Uint8Array(out.buffer, out.byteOffset + r * rowBytes, (end - r) * rowBytes), rows[r] * rowBytes);
        r = end;
      }
    },
    readRange(start, count, out) {
      if (start < 0 || start + count > n) throw new Error(`${path}: rows [${start}, ${start + count}) outside [0, ${n})`);
      readExactly(new Uint8Array(out.buffer, out.byteOffset, count * rowBytes), start * rowBytes);
    },
    close() {
      closeSync(fd);
    },
  };
}
