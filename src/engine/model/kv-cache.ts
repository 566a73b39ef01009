// The key/value cache of a batch of rows: per layer, K and V of shape [rows, capacity, nKv·d].
// Row r's position p lives at element offset (r·capacity + p)·nKv·d.
import type { Runtime, Tensor } from '../runtime.ts';

export class KvCache {
  readonly keys: Tensor[] = [];
  readonly values: Tensor[] = [];
  /** floats per (row, position) */
  readonly width: number;

  constructor(private readonly rt: Runtime, readonly layers: number, readonly rows: number, readonly capacity: number, kvWidth: number) {
    this.width = kvWidth;
    for (let l = 0; l < layers; l++) {
      // keys: [rows, capacity, nKv·d]; values: the same
      this.keys.push(rt.tensor([rows, capacity, kvWidth]));
      this.values.push(rt.tensor([rows, capacity, kvWidth]));
    }
  }

  private rowBytes(positions: number): number {
    return positions * this.width * 4;
  }

  /** Records copies of the first `positions` positions of row `from` of `src` into row `to` of this cache. */
  copyRowFrom(src: KvCache, from: number, to: number, positions: number): void {
    if (src.width !== this.width || src.layers !== this.layers) throw new Error('KvCache.copyRowFrom: caches of different shapes');
    if (positions > this.capacity || positions > src.capacity) throw new Error(`KvCache.copyRowFrom: ${positions} positions exceed a capacity`);
    const bytes = this.rowBytes(positions);
    if (bytes === 0) return;
    for (let l = 0; l < this.layers; l++) {
      this.rt.copy(src.keys[l].buffer, this.rowBytes(from * src.capacity), this.keys[l].buffer, this.rowBytes(to * this.capacity), bytes);
      this.rt.copy(src.values[l].buffer, this.rowBytes(from * src.capacity), this.values[l].buffer, this.rowBytes(to * this.capacity), bytes);
    }
  }

  /**
   * Compacts rows in place: row keep[i] moves to row i (keep ascending), copying the first `positions`
   * positions. WebGPU forbids a copy within one buffer, so each move goes through a scratch buffer.
   */
  compact(keep: number[], positions: number): void {
    const bytes = this.rowBytes(Math.min(positions, this.capacity));
    const moves = keep.map((from, to) => ({ from, to })).filter((m) => m.from !== m.to);
    if (moves.length === 0 || bytes === 0) return;
    const scratch = this.rt.buffer(bytes);
    for (let l = 0; l < this.layers; l++) {
      for (const t of [this.keys[l], this.values[l]]) {
        for (const { from, to } of moves) {
          this.rt.copy(t.buffer, this.rowBytes(from * this.capacity), scratch, 0, bytes);
          this.rt.copy(scratch, 0, t.buffer, this.rowBytes(to * this.capacity), bytes);
        }
      }
    }
    this.rt.release(scratch);
  }

  /** Frees the cache's memory (large, oddly sized buffers: not worth keeping in the pool). */
  dispose(): void {
    this.rt.flush(); // work recorded against these buffers must be submitted before they are destroyed
    for (const t of [...this.keys, ...this.values]) t.buffer.destroy();
    this.keys.length = 0;
    this.values.length = 0;
  }
}
