// rmsnorm, rope, swiglu, log-softmax and embedding backward kernels against the reference backward.
import { describe, expect, it } from 'vitest';
import { embeddingBackward, groupIds } from '../../../src/engine/kernels/embedding_backward.ts';
import { gatherLogprobBackward } from '../../../src/engine/kernels/logsoftmax_backward.ts';
import { rmsnormBackward } from '../../../src/engine/kernels/rmsnorm_backward.ts';
import { ropeBackward } from '../../../src/engine/kernels/rope_backward.ts';
import { swigluBackward, swigluFusedBackward } from '../../../src/engine/kernels/swiglu_backward.ts';
import {
  embeddingBackwardRef, gatherLogprobBackwardRef, rmsnormBackwardRef, ropeBackwardRef, swigluBackwardRef,
} from '../../../src/engine/reference/backward.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';
import { maxRelativeToScale, u32Buffer } from './helpers.ts';

// The kernels compute in f32 what the references compute in f64 and round once: a few f32 roundings
// per element, plus a sum over H terms for the reductions, stay below ~1e-6 relative to the values' scale;
// 1e-5 leaves room for exp/sin/cos implementations on other GPUs (WGSL allows a few ulp of error) and
// still catches any indexing or formula error (order 1).
const TOLERANCE = 1e-5;

function report(name: string, err: number): void {
  console.log(`${name}: max error ${err.toExponential(2)} relative to the values' scale`);
  expect(err).toBeLessThan(TOLERANCE);
}

describe('backward kernels (f32) against the reference', () => {
  for (const kernel of ['workgroup-per-row', 'thread-per-row'] as const) {
    // H > 256: the workgroup's threads loop over several columns; T > 64 rows: thread-per-row spans two workgroups
    it(`rmsnorm_backward (${kernel}): dx and dweight (written, then accumulated)`, async () => {
      const rt = await testRuntime();
      const [T, H, eps] = [kernel === 'thread-per-row' ? 70 : 5, 300, 1e-6];
      const x = randomArray(T * H, 1, -2, 2);
      const w = randomArray(H, 2, 0.5, 1.5);
      const dy = randomArray(T * H, 3);
      const ref = rmsnormBackwardRef(x, w, dy, T, H, eps);
      const dweight = rt.tensor([H]);
      const dx = rmsnormBackward(rt, rt.tensor([T, H], x), rt.tensor([H], w), rt.tensor([T, H], dy), T, H, eps, { dweight, kernel });
      report(`rmsnorm dx (${kernel})`, maxRelativeToScale(await rt.readTensor(dx), ref.dx));
      report(`rmsnorm dweight (${kernel})`, maxRelativeToScale(await rt.readTensor(dweight), ref.dweight));
      rmsnormBackward(rt, rt.tensor([T, H], x), rt.tensor([H], w), rt.tensor([T, H], dy), T, H, eps, { dweight, accumulate: true, kernel });
      report(`rmsnorm dweight accumulated (${kernel})`, maxRelativeToScale(await rt.readTensor(dweight), ref.dweight.map((v) => 2 * v)));
    });
  }

  it('rmsnorm_backward: the thread-per-row kernel refuses H % 4 ≠ 0', async () => {
    const rt = await testRuntime();
    expect(() => rmsnormBackward(rt, rt.tensor([2 * 6]), rt.tensor([6]), rt.tensor([2 * 6]), 2, 6, 1e-6, { kernel: 'thread-per-row' })).toThrow(/H % 4 = 0, got H = 6/);
  });

  it('rope_backward: rotation by the opposite angle, with positions past 0', async () => {
    const rt = await testRuntime();
    const [nHeads, headDim, theta] = [3, 8, 1e6];
    const positions = [5, 6, 7, 300];
    const dy = randomArray(positions.length * nHeads * headDim, 4);
    const ref = ropeBackwardRef(dy, positions, nHeads, headDim, theta);
    const t = ropeBackward(rt, rt.tensor([positions.length, nHeads * headDim], dy), u32Buffer(rt, positions), positions.length, nHeads, headDim, theta);
    // angles up to 300 rad in f32: cos/sin of an f32 angle differ from f64 by ~300 · 6e-8 = 2e-5
    const err = maxAbsDiff(await rt.readTensor(t), ref);
    console.log(`rope dx: max abs error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  it('swiglu_backward: two buffers and the fused gate/up layout', async () => {
    const rt = await testRuntime();
    const [T, I] = [3, 70];
    const gate = randomArray(T * I, 5, -6, 6);
    const up = randomArray(T * I, 6);
    const dy = randomArray(T * I, 7);
    const ref = swigluBackwardRef(gate, up, dy);
    const { dgate, dup } = swigluBackward(rt, rt.tensor([T, I], gate), rt.tensor([T, I], up), rt.tensor([T, I], dy), T, I);
    report('swiglu dgate', maxRelativeToScale(await rt.readTensor(dgate), ref.dgate));
    report('swiglu dup', maxRelativeToScale(await rt.readTensor(dup), ref.dup));
    const gu = new Float32Array(T * 2 * I);
    for (let t = 0; t < T; t++) {
      gu.set(gate.subarray(t * I, t * I + I), t * 2 * I);
      gu.set(up.subarray(t * I, t * I + I), t * 2 * I + I);
    }
    const dgu = await rt.readTensor(swigluFusedBackward(rt, rt.tensor([T, 2 * I], gu), rt.tensor([T, I], dy), T, I));
    const want = new Float32Array(T * 2 * I);
    for (let t = 0; t < T; t++) {
      want.set(ref.dgate.subarray(t * I, t * I + I), t * 2 * I);
      want.set(ref.dup.subarray(t * I, t * I + I), t * 2 * I + I);
    }
    report('swiglu fused dgu', maxRelativeToScale(dgu, want));
  });

  it('logsoftmax_backward: g · (onehot − softmax), ignored rows zero', async () => {
    const rt = await testRuntime();
    const V = 37;
    const targets = [4, 0xffffffff, 36, 0];
    const g = Float32Array.from([1, 5, -0.25, 2]);
    const T = targets.length;
    const logits = randomArray(T * V, 8, -5, 5);
    const lse = new Float32Array(T);
    for (let t = 0; t < T; t++) {
      let m = -Infinity;
      for (let v = 0; v < V; v++) m = Math.max(m, logits[t * V + v]);
      let s = 0;
      for (let v = 0; v < V; v++) s += Math.exp(logits[t * V + v] - m);
      lse[t] = m + Math.log(s);
    }
    const ref = gatherLogprobBackwardRef(logits, targets.map((x) => (x >= V ? -1 : x)), g, V);
    const d = gatherLogprobBackward(rt, rt.tensor([T, V], logits), rt.tensor([T], lse), u32Buffer(rt, targets), rt.tensor([T], g), T, V);
    const got = await rt.readTensor(d);
    report('logsoftmax dlogits', maxRelativeToScale(got, ref));
    expect(Array.from(got.subarray(V, 2 * V)).every((v) => v === 0)).toBe(true);
  });

  it('embedding_backward: repeated ids add up, adds into the table', async () => {
    const rt = await testRuntime();
    const [V, H] = [11, 20];
    const ids = [3, 7, 3, 0, 10, 3, 7];
    const dy = randomArray(ids.length * H, 9);
    const start = randomArray(V * H, 10); // e.g. the tied lm-head gradient already there
    const ref = embeddingBackwardRef(dy, ids, V, H).map((v, i) => v + start[i]);
    const table = embeddingBackward(rt, rt.tensor([ids.length, H], dy), ids, rt.tensor([V, H], start), V, H);
    report('embedding dtable', maxRelativeToScale(await rt.readTensor(table), ref));
    expect(groupIds(ids, V)).toEqual({
      uniqueIds: Uint32Array.from([3, 7, 0, 10]),
      rowStart: Uint32Array.from([0, 3, 5, 6, 7]),
      rows: Uint32Array.from([0, 2, 5, 1, 6, 3, 4]),
    });
    expect(() => groupIds([1, 11], V)).toThrow(/id 11 at row 1/);
  });
});
