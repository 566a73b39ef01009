import { describe, expect, it } from 'vitest';
import { embedding } from '../../../src/engine/kernels/embedding.ts';
import { matmul } from '../../../src/engine/kernels/matmul.ts';
import { dequantize, quantizeQ4, quantizeQ8 } from '../../../src/engine/quant.ts';
import { embeddingRef, matmulRef } from '../../../src/engine/reference/ops.ts';
import { destroyWeight, uploadWeight } from '../../../src/engine/weights.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { dotErrorBound, withoutGpuErrors } from './gpu-errors.ts';

describe('embedding', () => {
  for (const dtype of ['f32', 'q8', 'q4'] as const) {
    for (const [V, H, T] of [[5, 3, 2], [50, 37, 9], [300, 64, 17]]) {
      it(`${dtype} V=${V} H=${H} T=${T}, split table, out-of-range id`, async () => {
        const rt = await testRuntime();
        const table = randomArray(V * H, V + H);
        const ids = Uint32Array.from({ length: T }, (_, t) => (t * 7919 + 3) % V);
        ids[T - 1] = V + 5; // out of range → zeros
        const idBuf = rt.buffer(T * 4);
        rt.write(idBuf, ids);
        // parts of a few rows each, so ids land in different parts
        const gw = uploadWeight(rt, table, V, H, dtype, { maxPartBytes: 4 * H * 2 });
        const effective = dtype === 'q8' ? dequantize(quantizeQ8(table, V, H)) : dtype === 'q4' ? dequantize(quantizeQ4(table, V, H)) : table;
        const out = await withoutGpuErrors(rt, () => rt.readTensor(embedding(rt, gw, idBuf, T)));
        const ref = embeddingRef(effective, ids.map((id) => (id < V ? id : 0)), H);
        ref.fill(0, (T - 1) * H);
        const err = maxAbsDiff(out, ref);
        console.log(`embedding ${dtype} V=${V} H=${H} T=${T} (${gw.parts.length} parts): max abs err ${err.toExponential(2)}`);
        // a lookup: f32 exact; q8 is q·scale (one rounding, as in dequantize); q4 q·scale + min may fuse (≤ 1 ulp of 1)
        expect(err).toBeLessThanOrEqual(dtype === 'q4' ? 1.2e-7 : 0);
        destroyWeight(gw);
      });
    }
  }

  it('tied embeddings: one GpuWeight for the lookup and the lm_head matmul', async () => {
    const rt = await testRuntime();
    const V = 40, H = 24, T = 3;
    const table = randomArray(V * H, 77);
    const gw = uploadWeight(rt, table, V, H, 'q8');
    const ids = Uint32Array.of(1, 39, 7);
    const idBuf = rt.buffer(T * 4);
    rt.write(idBuf, ids);
    const effective = dequantize(quantizeQ8(table, V, H));
    const logits = await withoutGpuErrors(rt, () => rt.readTensor(matmul(rt, embedding(rt, gw, idBuf, T), gw, T)));
    const ref = matmulRef(embeddingRef(effective, ids, H), effective, T, H, V);
    const err = maxAbsDiff(logits, ref);
    console.log(`tied embedding logits: max abs err ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(dotErrorBound(H, H));
    destroyWeight(gw);
  });
});
