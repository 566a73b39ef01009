// attention_backward against the reference backward, on a batch of two sequences with different
// start offsets (a KV cache holding earlier tokens) and grouped query heads.
import { describe, expect, it } from 'vitest';
import { attentionBackward } from '../../../src/engine/kernels/attention_backward.ts';
import { attentionBackwardRef } from '../../../src/engine/reference/backward.ts';
import { randomArray, testRuntime } from '../../helpers/gpu.ts';
import { maxRelativeToScale, u32Buffer } from './helpers.ts';

// f32 sums of at most S · group terms of order one against the f64 reference: ~1e-6 relative to the
// values' scale; 1e-5 allows other GPUs' exp and still catches indexing errors (order 1).
const TOLERANCE = 1e-5;

describe('attention_backward', () => {
  it('dq, dk, dv match the reference for each sequence of the batch', async () => {
    const rt = await testRuntime();
    const [B, Tq, S, nHeads, nKv, d] = [2, 3, 7, 4, 2, 8];
    const start = [4, 1]; // sequence 0: queries at 4..6 see all 7 slots; sequence 1: at 1..3, slots 4..6 unseen
    const q = randomArray(B * Tq * nHeads * d, 1, -2, 2);
    const k = randomArray(B * S * nKv * d, 2, -2, 2);
    const v = randomArray(B * S * nKv * d, 3);
    const dout = randomArray(B * Tq * nHeads * d, 4);
    const t = (data: Float32Array, rows: number, cols: number) => rt.tensor([B, rows, cols], data);
    const g = attentionBackward(rt, t(q, Tq, nHeads * d), t(k, S, nKv * d), t(v, S, nKv * d), t(dout, Tq, nHeads * d),
      u32Buffer(rt, start), { B, Tq, S, nHeads, nKv, headDim: d });
    const [dq, dk, dv] = await Promise.all([rt.readTensor(g.dq), rt.readTensor(g.dk), rt.readTensor(g.dv)]);
    const qn = Tq * nHeads * d;
    const kn = S * nKv * d;
    for (let b = 0; b < B; b++) {
      const qPos = Array.from({ length: Tq }, (_, i) => start[b] + i);
      const ref = attentionBackwardRef(q.subarray(b * qn, (b + 1) * qn), k.subarray(b * kn, (b + 1) * kn), v.subarray(b * kn, (b + 1) * kn),
        dout.subarray(b * qn, (b + 1) * qn), qPos, nHeads, nKv, d);
      const errs = {
        dq: maxRelativeToScale(dq.subarray(b * qn, (b + 1) * qn), ref.dq),
        dk: maxRelativeToScale(dk.subarray(b * kn, (b + 1) * kn), ref.dk),
        dv: maxRelativeToScale(dv.subarray(b * kn, (b + 1) * kn), ref.dv),
      };
      console.log(`attention sequence ${b} (start ${start[b]}): max errors ${JSON.stringify(errs, (_, x) => (typeof x === 'number' ? x.toExponential(2) : x))}`);
      for (const e of Object.values(errs)) expect(e).toBeLessThan(TOLERANCE);
    }
    // sequence 1: key slots 4..6 come after every query, so they get no gradient
    expect(Array.from(dk.subarray(kn + 4 * nKv * d, 2 * kn)).every((x) => x === 0)).toBe(true);
  });

  it('refuses a head dimension beyond the accumulators', async () => {
    const rt = await testRuntime();
    const z = rt.zeros([512]);
    expect(() => attentionBackward(rt, z, z, z, z, u32Buffer(rt, [0]), { B: 1, Tq: 1, S: 1, nHeads: 1, nKv: 1, headDim: 512 })).toThrow(/headDim 512/);
  });
});
