import { describe, expect, it } from 'vitest';
import { attention, attentionKernelFor, attentionWith, kvWrite, type AttentionDims, type AttentionKernel } from '../../../src/engine/kernels/attention.ts';
import { attentionRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { withoutGpuErrors } from './gpu-errors.ts';

interface Case { name: string; dims: AttentionDims; start: number[] }

const CASES: Case[] = [
  { name: 'prefill', dims: { B: 2, Tq: 5, S: 8, nH: 4, nKv: 2, d: 16 }, start: [0, 0] },
  { name: 'batched decode', dims: { B: 3, Tq: 1, S: 9, nH: 3, nKv: 1, d: 6 }, start: [0, 4, 8] },
  { name: 'chunked prefill, odd sizes', dims: { B: 2, Tq: 3, S: 11, nH: 2, nKv: 2, d: 10 }, start: [2, 0] },
  { name: 'long decode (several key chunks)', dims: { B: 2, Tq: 1, S: 200, nH: 4, nKv: 2, d: 64 }, start: [150, 63] },
  { name: 'prefill over chunks, d=128', dims: { B: 1, Tq: 70, S: 70, nH: 2, nKv: 1, d: 128 }, start: [0] },
  // thread-per-row-block takes 4 queries per thread: 7 rows leave a partial block; the last queries of b = 1 see keys capped at S
  { name: 'query blocks, partial and capped, d=32', dims: { B: 2, Tq: 7, S: 10, nH: 4, nKv: 2, d: 32 }, start: [3, 5] },
  { name: 'd=256', dims: { B: 1, Tq: 2, S: 5, nH: 2, nKv: 1, d: 256 }, start: [3] },
];

describe('attention over a KV cache', () => {
  const kernels: AttentionKernel[] = ['workgroup-per-row', 'thread-per-row', 'thread-per-row-block', 'products'];
  for (const kernel of kernels) for (const { name, dims, start } of CASES) {
    if (kernel !== 'workgroup-per-row' && dims.d % 4 !== 0) continue; // those kernels read vec4s
    it(`${kernel}, ${name}: B=${dims.B} Tq=${dims.Tq} S=${dims.S} nH=${dims.nH} nKv=${dims.nKv} d=${dims.d}`, async () => {
      const rt = await testRuntime();
      const { B, Tq, S, nH, nKv, d } = dims;
      const kvw = nKv * d;
      // caches hold older keys; the Tq new ones are written by kvWrite at start[b] + t
      const kCache = randomArray(B * S * kvw, S + d, -1, 1);
      const vCache = randomArray(B * S * kvw, S + d + 1, -1, 1);
      const kNew = randomArray(B * Tq * kvw, Tq + 2);
      const vNew = randomArray(B * Tq * kvw, Tq + 3);
      const q = randomArray(B * Tq * nH * d, Tq + 4, -2, 2);
      const startBuf = rt.buffer(B * 4);
      rt.write(startBuf, Uint32Array.from(start));
      const { out, lse, kc } = await withoutGpuErrors(rt, async () => {
        const tk = rt.tensor([B, S, kvw], kCache);
        const tv = rt.tensor([B, S, kvw], vCache);
        kvWrite(rt, rt.tensor([B, Tq, kvw], kNew), rt.tensor([B, Tq, kvw], vNew), tk, tv, startBuf, dims);
        const r = attentionWith(kernel, rt, rt.tensor([B, Tq, nH * d], q), tk, tv, startBuf, dims);
        return { out: await rt.readTensor(r.out), lse: await rt.readTensor(r.lse), kc: await rt.readTensor(tk) };
      });
      let maxErr = 0;
      let lseErr = 0;
      for (let b = 0; b < B; b++) {
        // the caches as the reference sees them: old entries with the new ones written in
        const kb = kCache.slice(b * S * kvw, (b + 1) * S * kvw);
        const vb = vCache.slice(b * S * kvw, (b + 1) * S * kvw);
        for (let t = 0; t < Tq && start[b] + t < S; t++) {
          kb.set(kNew.subarray((b * Tq + t) * kvw, (b * Tq + t + 1) * kvw), (start[b] + t) * kvw);
          vb.set(vNew.subarray((b * Tq + t) * kvw, (b * Tq + t + 1) * kvw), (start[b] + t) * kvw);
        }
        expect(maxAbsDiff(kc.subarray(b * S * kvw, (b + 1) * S * kvw), kb)).toBe(0);
        const qPos = Array.from({ length: Tq }, (_, t) => Math.min(start[b] + t, S - 1));
        const qb = q.subarray(b * Tq * nH * d, (b + 1) * Tq * nH * d);
        const ref = attentionRef(qb, kb, vb, qPos, nH, nKv, d);
        maxErr = Math.max(maxErr, maxAbsDiff(out.subarray(b * Tq * nH * d, (b + 1) * Tq * nH * d), ref));
        for (let t = 0; t < Tq; t++) {
          for (let h = 0; h < nH; h++) {
            lseErr = Math.max(lseErr, Math.abs(lse[(b * Tq + t) * nH + h] - lseRef(qb, kb, qPos[t], t, h, nH, nKv, d)));
          }
        }
      }
      console.log(`attention ${kernel} ${name}: max abs err ${maxErr.toExponential(2)}, lse ${lseErr.toExponential(2)}`);
      // outputs are convex combinations of v (|v| ≤ 1): f32 softmax and d-term dot products (|q·k|/sqrt(d) ≲ 2·sqrt(d))
      // give ~1e-6 relative; 1e-5 absolute leaves room without hiding a wrong key or mask (errors ≫ 1e-2)
      expect(maxErr).toBeLessThan(1e-5);
      expect(lseErr).toBeLessThan(1e-5 * (1 + 2 * Math.sqrt(d)));
    });
  }

  it('picks row kernels on software adapters for prefill (row blocks on lavapipe up to d = 64; elsewhere products when the queries see most of the cache and the scores fit), workgroup-per-row otherwise', async () => {
    const rt = await testRuntime();
    const lavapipe = /llvmpipe/.test(rt.gpu.info.description);
    // [B, Tq, S, d]: decode, odd d, self-attention, a short prefill into a long cache, scores over the 64 MiB cap
    for (const [B, Tq, S, d] of [[1, 1, 16, 32], [1, 16, 16, 6], [1, 16, 16, 32], [1, 16, 16, 128], [1, 16, 64, 32], [8, 2048, 2048, 32]]) {
      const products = 2 * Tq >= S && B * 2 * Tq * S * 4 <= 64 * 2 ** 20;
      const software = Tq === 1 || d % 4 !== 0 ? 'workgroup-per-row' : lavapipe && d <= 64 ? 'thread-per-row-block' : products ? 'products' : 'thread-per-row';
      expect(attentionKernelFor(rt, { B, Tq, S, nH: 2, nKv: 1, d })).toBe(rt.gpu.info.isSoftware ? software : 'workgroup-per-row');
    }
  });

  it('rejects inconsistent dims', async () => {
    const rt = await testRuntime();
    const dims = { B: 1, Tq: 1, S: 4, nH: 3, nKv: 2, d: 8 };
    expect(() => attention(rt, rt.tensor([24]), rt.tensor([64]), rt.tensor([64]), rt.buffer(4), dims)).toThrow(/nH 3 is not a multiple of nKv 2/);
  });
});

/** log Σ_{j ≤ pos} exp(q·k_j / sqrt(d)) for query t, head h of one sequence */
function lseRef(q: Float32Array, k: Float32Array, pos: number, t: number, h: number, nH: number, nKv: number, d: number): number {
  const kvh = Math.floor(h / (nH / nKv));
  const s: number[] = [];
  for (let j = 0; j <= pos; j++) {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += q[(t * nH + h) * d + i] * k[(j * nKv + kvh) * d + i];
    s.push(dot / Math.sqrt(d));
  }
  const m = Math.max(...s);
  return m + Math.log(s.reduce((a, v) => a + Math.exp(v - m), 0));
}
