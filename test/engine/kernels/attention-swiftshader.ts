// Run by attention-swiftshader.test.ts in a child process whose Vulkan loader sees only SwiftShader: the kernels
// attention() and attentionBackward() choose there, against the references. Prints one JSON line.
import { acquireGpu } from '../../../src/engine/gpu.ts';
import { attention, attentionKernelFor } from '../../../src/engine/kernels/attention.ts';
import { attentionBackward, attentionBackwardKernelFor } from '../../../src/engine/kernels/attention_backward.ts';
import { attentionBackwardRef } from '../../../src/engine/reference/backward.ts';
import { attentionRef } from '../../../src/engine/reference/ops.ts';
import { Runtime } from '../../../src/engine/runtime.ts';
import { uniformArray } from '../../../src/util/random.ts';
import { maxRelativeToScale } from '../backward/helpers.ts';

const rt = new Runtime(await acquireGpu());
// training's self-attention (start 0, Tq = S, rows not a multiple of 4), and queries over a slightly longer cache
const cases = [
  { dims: { B: 2, Tq: 9, S: 9, nH: 4, nKv: 2, d: 32 }, start: [0, 0] },
  { dims: { B: 2, Tq: 7, S: 13, nH: 4, nKv: 1, d: 8 }, start: [6, 2] },
];
const results = [];
for (const { dims, start } of cases) {
  const { B, Tq, S, nH, nKv, d } = dims;
  const [qn, kn] = [Tq * nH * d, S * nKv * d];
  const q = uniformArray(B * qn, 1, -2, 2);
  const k = uniformArray(B * kn, 2, -2, 2);
  const v = uniformArray(B * kn, 3, -1, 1);
  const dout = uniformArray(B * qn, 4, -1, 1);
  const startBuf = rt.buffer(B * 4);
  rt.write(startBuf, Uint32Array.from(start));
  const t = (x: Float32Array, rows: number, cols: number) => rt.tensor([B, rows, cols], x);
  const [tq, tk, tv, tdout] = [t(q, Tq, nH * d), t(k, S, nKv * d), t(v, S, nKv * d), t(dout, Tq, nH * d)];
  const f = attention(rt, tq, tk, tv, startBuf, dims);
  const g = attentionBackward(rt, tq, tk, tv, tdout, startBuf, dims, {}, { o: f.out, lse: f.lse });
  const [out, dq, dk, dv] = await Promise.all([f.out, g.dq, g.dk, g.dv].map((x) => rt.readTensor(x)));
  const err = { out: 0, dq: 0, dk: 0, dv: 0 };
  for (let b = 0; b < B; b++) {
    const qPos = Array.from({ length: Tq }, (_, i) => start[b] + i);
    const [qb, kb, vb, db] = [q.subarray(b * qn, (b + 1) * qn), k.subarray(b * kn, (b + 1) * kn), v.subarray(b * kn, (b + 1) * kn), dout.subarray(b * qn, (b + 1) * qn)];
    const ref = attentionBackwardRef(qb, kb, vb, db, qPos, nH, nKv, d);
    err.out = Math.max(err.out, maxRelativeToScale(out.subarray(b * qn, (b + 1) * qn), attentionRef(qb, kb, vb, qPos, nH, nKv, d)));
    err.dq = Math.max(err.dq, maxRelativeToScale(dq.subarray(b * qn, (b + 1) * qn), ref.dq));
    err.dk = Math.max(err.dk, maxRelativeToScale(dk.subarray(b * kn, (b + 1) * kn), ref.dk));
    err.dv = Math.max(err.dv, maxRelativeToScale(dv.subarray(b * kn, (b + 1) * kn), ref.dv));
  }
  results.push({ dims, forward: attentionKernelFor(rt, dims), backward: attentionBackwardKernelFor(rt, dims), err });
}
// where products do not pay: a short prefill into a long cache, and scores over the memory cap
const elsewhere = [attentionKernelFor(rt, { B: 1, Tq: 16, S: 64, nH: 2, nKv: 1, d: 32 }), attentionKernelFor(rt, { B: 8, Tq: 2048, S: 2048, nH: 2, nKv: 1, d: 32 })];
console.log(JSON.stringify({ adapter: rt.gpu.info.description, results, elsewhere }));
rt.gpu.device.destroy();
