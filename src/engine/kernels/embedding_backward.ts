// Embedding backward (scatter-add of token rows into the table) without float atomics.
import code from '../../../shaders/embedding_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNumel, grid1d, packParams } from './common.ts';

/** The token rows grouped by id (CSR): rows of uniqueIds[u] are rows[rowStart[u] .. rowStart[u + 1]). */
export interface IdGroups {
  uniqueIds: Uint32Array; // [U]
  rowStart: Uint32Array; // [U + 1]
  rows: Uint32Array; // [T]
}

/** Groups the rows of `ids` by id, in order of first appearance; checks every id against V. */
export function groupIds(ids: ArrayLike<number>, V: number): IdGroups {
  const byId = new Map<number, number[]>();
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`embeddingBackward: id ${id} at row ${t} is outside [0, ${V})`);
    const list = byId.get(id);
    if (list) list.push(t);
    else byId.set(id, [t]);
  }
  const uniqueIds = Uint32Array.from(byId.keys());
  const rowStart = new Uint32Array(uniqueIds.length + 1);
  const rows = new Uint32Array(ids.length);
  let k = 0;
  uniqueIds.forEach((id, u) => {
    rowStart[u] = k;
    for (const t of byId.get(id)!) rows[k++] = t;
  });
  rowStart[uniqueIds.length] = k;
  return { uniqueIds, rowStart, rows };
}

/**
 * dtable[ids[t]] += dy[t] for every row t (adds into dtable: zero it first, or pass the tied lm-head gradient).
 * dy: [T, H], ids: [T] (host token ids) → dtable: [V, H]
 */
export function embeddingBackward(rt: Runtime, dy: Tensor, ids: ArrayLike<number>, dtable: Tensor, V: number, H: number): Tensor {
  expectNumel('embeddingBackward: dy', dy, ids.length * H);
  expectNumel('embeddingBackward: dtable', dtable, V * H);
  if (ids.length === 0) return dtable;
  const { uniqueIds, rowStart, rows } = groupIds(ids, V);
  const U = uniqueIds.length;
  const idsBuf = rt.buffer(U * 4);
  const startBuf = rt.buffer((U + 1) * 4);
  const rowsBuf = rt.buffer(rows.length * 4);
  rt.write(idsBuf, uniqueIds);
  rt.write(startBuf, rowStart);
  rt.write(rowsBuf, rows);
  rt.dispatch(rt.pipeline(code), [dy, idsBuf, startBuf, rowsBuf, dtable], grid1d(rt, U * H, 64), packParams([U, H]));
  for (const b of [idsBuf, startBuf, rowsBuf]) rt.release(b);
  return dtable;
}
