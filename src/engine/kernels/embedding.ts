// Token embedding lookup from a GpuWeight table (f32, q8 or q4), so tied embeddings share one table with the lm_head.
import code from '../../../shaders/embedding.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import type { GpuWeight } from '../weights.ts';
import { expectBytes, expectNoAlias, grid1d, outputTensor, packParams, placeholder } from './common.ts';

const DTYPE_CODE = { f32: 0, q8: 1, q4: 2 } as const;

/** out[t] = table[ids[t]].  ids: u32 [T], table: [V, H] → out: [T, H]; ids ≥ V give a row of zeros. */
export function embedding(rt: Runtime, table: GpuWeight, ids: GPUBuffer, T: number, out?: Tensor): Tensor {
  const H = table.cols;
  expectBytes('embedding: ids', ids, T * 4);
  if (table.parts.length === 0) throw new Error('embedding: the table was destroyed');
  const y = outputTensor(rt, 'embedding: out', [T, H], out);
  expectNoAlias('embedding', y, ids);
  const pipeline = rt.pipeline(code, 'main', { DTYPE: DTYPE_CODE[table.dtype] });
  for (const part of table.parts) {
    const params = packParams([T, H, table.stride, table.groupSize, table.groupsPerRow, part.rowStart, part.rows, table.rows]);
    rt.dispatch(pipeline, [{ buffer: ids, offset: 0, size: Math.max(4, T * 4) }, part.data, part.scales ?? placeholder(rt), y],
      grid1d(rt, T * H, 256), params);
  }
  return y;
}
