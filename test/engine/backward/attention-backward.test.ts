// attention_backward against the reference backward: batches of sequences with different start offsets
// (a KV cache holding earlier tokens), grouped query heads (groups of 1, 2 and 4), head dims that are not
// powers of two, more queries' keys than one workgroup's chunk and keys no query sees.
import { describe, expect, it } from 'vitest';
import {
  attentionBackward, attentionBackwardKernelFor, attentionBackwardWith, type AttentionBackwardKernel,
} from '../../../src/engine/kernels/attention_backward.ts';
import { attention } from '../../../src/engine/kernels/attention.ts';
import { attentionBackwardRef } from '../../../src/engine/reference/backward.ts';
import type { Runtime } from '../../../src/engine/runtime.ts';
import { randomArray, testRuntime } from '../../helpers/gpu.ts';
import { maxRelativeToScale, u32Buffer } from './helpers.ts';

// f32 sums of at most S · group terms of order one against the f64 reference: ~1e-6 relative to the
// values' scale; 1e-5 allows other GPUs' exp and still catches indexing errors (order 1).
const TOLERANCE = 1e-5;

interface Case { B: number; Tq: number; S: number; nHeads: number; nKv: number; d: number; start: number[] }

/** Runs the kernel on seeded inputs; per sequence the max errors against the reference, and the kernel's dk, dv. */
async function compareWithReference(rt: Runtime, c: Case, seed: number, kernel: AttentionBackwardKernel | 'default', withForward = false) {
  const { B, Tq, S, nHeads, nKv, d, start } = c;
  const q = randomArray(B * Tq * nHeads * d, seed, -2, 2);
  const k = randomArray(B * S * nKv * d, seed + 1, -2, 2);
  const v = randomArray(B * S * nKv * d, seed + 2);
  const dout = randomArray(B * Tq * nHeads * d, seed + 3);
  const t = (data: Float32Array, rows: number, cols: number) => rt.tensor([B, rows, cols], data);
  const args = [rt, t(q, Tq, nHeads * d), t(k, S, nKv * d), t(v, S, nKv * d), t(dout, Tq, nHeads * d),
    u32Buffer(rt, start), { B, Tq, S, nH: nHeads, nKv, d }] as const;
  // with the forward pass's output and lse, as training keeps them
  const forward = withForward ? (() => { const f = attention(rt, args[1], args[2], args[3], args[5], args[6]); return { o: f.out, lse: f.lse }; })() : undefined;
  const g = kernel === 'default' ? attentionBackward(...args, {}, forward) : attentionBackwardWith(kernel, ...args, {}, forward);
  const [dq, dk, dv] = await Promise.all([rt.readTensor(g.dq), rt.readTensor(g.dk), rt.readTensor(g.dv)]);
  const qn = Tq * nHeads * d;
  const kn = S * nKv * d;
  const errors = [];
  for (let b = 0; b < B; b++) {
    const qPos = Array.from({ length: Tq }, (_, i) => start[b] + i);
    const ref = attentionBackwardRef(q.subarray(b * qn, (b + 1) * qn), k.subarray(b * kn, (b + 1) * kn), v.subarray(b * kn, (b + 1) * kn),
      dout.subarray(b * qn, (b + 1) * qn), qPos, nHeads, nKv, d);
    const errs = {
      dq: maxRelativeToScale(dq.subarray(b * qn, (b + 1) * qn), ref.dq),
      dk: maxRelativeToScale(dk.subarray(b * kn, (b + 1) * kn), ref.dk),
      dv: maxRelativeToScale(dv.subarray(b * kn, (b + 1) * kn), ref.dv),
    };
    console.log(`attention ${kernel}${withForward ? ' (forward stats)' : ''} ${JSON.stringify(c)} sequence ${b} (start ${start[b]}): max errors ${JSON.stringify(errs, (_, x) => (typeof x === 'number' ? x.toExponential(2) : x))}`);
    errors.push(errs);
  }
  return { errors, dk, dv };
}

/** dk and dv of the key slots after sequence b's last query are all exactly 0. */
function unseenKeysAreZero(c: Case, dk: Float32Array, dv: Float32Array): boolean {
  const row = c.nKv * c.d;
  return c.start.every((s, b) => {
    const first = b * c.S * row + Math.min(c.S, s + c.Tq) * row;
    const end = (b + 1) * c.S * row;
    return dk.subarray(first, end).every((x) => x === 0) && dv.subarray(first, end).every((x) => x === 0);
  });
}

describe('attention_backward', () => {
  it('dq, dk, dv match the reference for each sequence of the batch', async () => {
    const rt = await testRuntime();
    // sequence 0: queries at 4..6 see all 7 slots; sequence 1: at 1..3, slots 4..6 unseen
    const c: Case = { B: 2, Tq: 3, S: 7, nHeads: 4, nKv: 2, d: 8, start: [4, 1] };
    const { errors, dk } = await compareWithReference(rt, c, 1, 'default');
    for (const errs of errors) for (const e of Object.values(errs)) expect(e).toBeLessThan(TOLERANCE);
    // sequence 1: key slots 4..6 come after every query, so they get no gradient
    const kn = c.S * c.nKv * c.d;
    expect(Array.from(dk.subarray(kn + 4 * c.nKv * c.d, 2 * kn)).every((x) => x === 0)).toBe(true);
  });

  it('picks a row kernel on software adapters (row blocks on lavapipe up to d = 64; elsewhere products for self-attention) and workgroup-per-row on GPUs', async () => {
    const rt = await testRuntime();
    const lavapipe = /llvmpipe/.test(rt.gpu.info.description);
    const software = (d: number) => (lavapipe && d <= 64 && d % 4 === 0 ? 'thread-per-row-block' : d % 4 === 0 ? 'products' : 'thread-per-row');
    for (const d of [6, 32, 64, 128]) {
      expect(attentionBackwardKernelFor(rt, { B: 2, Tq: 16, S: 16, nH: 2, nKv: 1, d })).toBe(rt.gpu.info.isSoftware ? software(d) : 'workgroup-per-row');
    }
  });

  const cases: [string, Case][] = [
    ['the batch above', { B: 2, Tq: 3, S: 7, nHeads: 4, nKv: 2, d: 8, start: [4, 1] }],
    ['one query head per kv head, d = 12, queries over a longer cache', { B: 3, Tq: 4, S: 10, nHeads: 3, nKv: 3, d: 12, start: [0, 2, 5] }],
    ['groups of 4, d = 24, Tq = S', { B: 2, Tq: 5, S: 5, nHeads: 8, nKv: 2, d: 24, start: [0, 0] }],
    // up to 300 visible keys and 300 query rows per key exceed the 256 keys or rows a workgroup handles
    // between barriers (and 256 is not a multiple of the group of 3); d = 80 gives some threads two head-dim elements
    ['long rows: 300 keys, 300 query rows per key, groups of 3, d = 80', { B: 2, Tq: 100, S: 300, nHeads: 6, nKv: 2, d: 80, start: [200, 100] }],
    // thread-per-row-block takes 4 queries (dq) or 2 keys (dk, dv) per thread: partial blocks of both, keys
    // some of a thread's queries do not see
    ['row blocks: Tq = 7, S = 13, d = 32', { B: 2, Tq: 7, S: 13, nHeads: 4, nKv: 2, d: 32, start: [6, 2] }],
    ['the largest head dim, 256', { B: 1, Tq: 3, S: 4, nHeads: 2, nKv: 1, d: 256, start: [1] }],
    // thread-per-row reads vec4s when d % 4 = 0 (every case above) and single floats otherwise
    ['a head dim not a multiple of 4, d = 6', { B: 2, Tq: 3, S: 6, nHeads: 2, nKv: 1, d: 6, start: [3, 0] }],
  ];
  for (const kernel of ['workgroup-per-row', 'thread-per-row', 'thread-per-row-block', 'products'] as const) {
    for (const [name, c] of cases) {
      if ((kernel === 'thread-per-row-block' || kernel === 'products') && c.d % 4 !== 0) continue; // they read vec4s
      it(`${kernel}: dq, dk, dv match the reference: ${name}`, async () => {
        const rt = await testRuntime();
        const { errors, dk, dv } = await compareWithReference(rt, c, 11, kernel);
        for (const errs of errors) for (const e of Object.values(errs)) expect(e).toBeLessThan(TOLERANCE);
        expect(unseenKeysAreZero(c, dk, dv)).toBe(true);
      });
      if (kernel !== 'workgroup-per-row') {
        it(`${kernel} with the forward's o and lse: dq, dk, dv match the reference: ${name}`, async () => {
          const rt = await testRuntime();
          const { errors, dk, dv } = await compareWithReference(rt, c, 11, kernel, true);
          for (const errs of errors) for (const e of Object.values(errs)) expect(e).toBeLessThan(TOLERANCE);
          expect(unseenKeysAreZero(c, dk, dv)).toBe(true);
        });
      }
    }
  }

  it('the row kernels read the forward statistics when given (a wrong lse changes dq)', async () => {
    const rt = await testRuntime();
    const dims = { B: 1, Tq: 5, S: 5, nH: 2, nKv: 1, d: 8 };
    const [q, k, v, dout] = [0, 1, 2, 3].map((i) => rt.tensor([1, 5, (i === 1 || i === 2 ? 1 : 2) * 8], randomArray(5 * (i === 1 || i === 2 ? 1 : 2) * 8, 40 + i)));
    const start = u32Buffer(rt, [0]);
    const f = attention(rt, q, k, v, start, dims);
    for (const kernel of ['thread-per-row', 'thread-per-row-block', 'products'] as const) {
      const right = await rt.readTensor(attentionBackwardWith(kernel, rt, q, k, v, dout, start, dims, {}, { o: f.out, lse: f.lse }).dq);
      const wrong = await rt.readTensor(attentionBackwardWith(kernel, rt, q, k, v, dout, start, dims, {}, { o: f.out, lse: rt.zeros([1, 5, 2]) }).dq);
      expect(maxRelativeToScale(wrong, right)).toBeGreaterThan(0.1);
    }
  });

  it('refuses a head dimension beyond the accumulators', async () => {
    const rt = await testRuntime();
    const z = rt.zeros([512]);
    expect(() => attentionBackward(rt, z, z, z, z, u32Buffer(rt, [0]), { B: 1, Tq: 1, S: 1, nH: 1, nKv: 1, d: 512 })).toThrow(/headDim 512/);
  });
});
