import { describe, expect, it } from 'vitest';
import type { AttentionDims } from '../../../src/engine/kernels/attention.ts';
import { decodeAttention, type DecodeAttentionVariant } from '../../../src/engine/kernels/attention_decode.ts';
import { attentionRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

const CASES: { name: string; dims: AttentionDims; start: number[] }[] = [
  { name: 'batched decode', dims: { B: 3, Tq: 1, S: 9, nH: 3, nKv: 1, d: 6 }, start: [0, 4, 8] },
  { name: 'tiny-math-shaped decode', dims: { B: 64, Tq: 1, S: 72, nH: 4, nKv: 2, d: 32 }, start: Array.from({ length: 64 }, (_, b) => 40 + (b % 31)) },
  { name: 'long decode', dims: { B: 2, Tq: 1, S: 200, nH: 4, nKv: 2, d: 64 }, start: [150, 63] },
  { name: 'several queries per row, d=256', dims: { B: 2, Tq: 3, S: 7, nH: 2, nKv: 1, d: 256 }, start: [4, 0] },
];
const VARIANTS: DecodeAttentionVariant[] = ['thread-per-query', 'workgroup-per-query'];

describe('decode attention variants vs the reference', () => {
  for (const { name, dims, start } of CASES) {
    it(`${name}: B=${dims.B} Tq=${dims.Tq} S=${dims.S} nH=${dims.nH} nKv=${dims.nKv} d=${dims.d}`, async () => {
      const rt = await testRuntime();
      const { B, Tq, S, nH, nKv, d } = dims;
      const kvw = nKv * d;
      const kCache = randomArray(B * S * kvw, S + d, -1, 1);
      const vCache = randomArray(B * S * kvw, S + d + 1, -1, 1);
      const q = randomArray(B * Tq * nH * d, Tq + 4, -2, 2);
      const startBuf = rt.buffer(B * 4);
      rt.write(startBuf, Uint32Array.from(start));
      const results = new Map<DecodeAttentionVariant, { out: Float32Array; lse: Float32Array }>();
      for (const variant of VARIANTS) {
        const r = decodeAttention(rt, rt.tensor([B, Tq, nH * d], q), rt.tensor([B, S, kvw], kCache), rt.tensor([B, S, kvw], vCache), startBuf, dims, variant);
        results.set(variant, { out: await rt.readTensor(r.out), lse: await rt.readTensor(r.lse) });
      }
      let maxErr = 0;
      for (let b = 0; b < B; b++) {
        const qPos = Array.from({ length: Tq }, (_, t) => Math.min(start[b] + t, S - 1));
        const ref = attentionRef(q.subarray(b * Tq * nH * d, (b + 1) * Tq * nH * d), kCache.subarray(b * S * kvw, (b + 1) * S * kvw), vCache.subarray(b * S * kvw, (b + 1) * S * kvw), qPos, nH, nKv, d);
        maxErr = Math.max(maxErr, maxAbsDiff(results.get('thread-per-query')!.out.subarray(b * Tq * nH * d, (b + 1) * Tq * nH * d), ref));
      }
      // the workgroup variant's lse is checked against the reference in attention.test.ts
      const lseErr = maxAbsDiff(results.get('thread-per-query')!.lse, results.get('workgroup-per-query')!.lse);
      console.log(`decode attention ${name}: thread-per-query max abs err ${maxErr.toExponential(2)}, lse vs workgroup-per-query ${lseErr.toExponential(2)}`);
      // as attention.test.ts: outputs are convex combinations of v (|v| ≤ 1) with f32 softmax and d-term dot products
      expect(maxErr).toBeLessThan(1e-5);
      expect(lseErr).toBeLessThan(1e-5 * (1 + 2 * Math.sqrt(d)));
    });
  }

  it('rejects inconsistent dims', async () => {
    const rt = await testRuntime();
    const dims = { B: 1, Tq: 1, S: 4, nH: 3, nKv: 2, d: 8 };
    expect(() => decodeAttention(rt, rt.tensor([24]), rt.tensor([64]), rt.tensor([64]), rt.buffer(4), dims, 'thread-per-query')).toThrow(/nH 3 is not a multiple of nKv 2/);
  });
});
