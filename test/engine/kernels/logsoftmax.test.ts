import { describe, expect, it } from 'vitest';
import { gatherLogprob, IGNORE_TARGET, logSoftmax, logSoftmaxKernelFor } from '../../../src/engine/kernels/logsoftmax.ts';
import { gatherLogprobRef, logSoftmaxRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('logsoftmax', () => {
  // thread-per-row: T = 70 spans two of its 64-thread workgroups
  for (const [kernel, T, V] of [['workgroup-per-row', 1, 3], ['workgroup-per-row', 4, 300], ['workgroup-per-row', 3, 49152],
    ['thread-per-row', 1, 3], ['thread-per-row', 70, 102], ['thread-per-row', 3, 49152]] as const) {
    it(`${kernel} T=${T} V=${V}`, async () => {
      const rt = await testRuntime();
      // large logits to exercise the max subtraction
      const logits = randomArray(T * V, T * 7 + V, -30, 30);
      const targets = Uint32Array.from({ length: T }, (_, t) => (t * 131 + 7) % V);
      const tl = rt.tensor([T, V], logits);
      const tgt = rt.buffer(T * 4);
      rt.write(tgt, targets);
      const y = await rt.readTensor(logSoftmax(rt, tl, T, V, undefined, kernel));
      const { logp, lse } = gatherLogprob(rt, tl, tgt, T, V, {}, kernel);
      const lp = await rt.readTensor(logp);
      const ls = await rt.readTensor(lse);
      const ref = logSoftmaxRef(logits, T, V);
      const e1 = maxAbsDiff(y, ref);
      const e2 = maxAbsDiff(lp, gatherLogprobRef(logits, targets, V));
      const e3 = maxAbsDiff(ls, Float32Array.from({ length: T }, (_, t) => logits[t * V] - ref[t * V]));
      console.log(`logsoftmax ${kernel} T=${T} V=${V}: max abs err ${e1.toExponential(2)}, gather ${e2.toExponential(2)}, lse ${e3.toExponential(2)}`);
      // values up to ~|60 + log V|; f32 rounding of lse (~70 · 6e-8) and of the exp sums: 2e-5 absolute
      expect(e1).toBeLessThan(2e-5);
      expect(e2).toBeLessThan(2e-5);
      expect(e3).toBeLessThan(2e-5);
    });
  }

  for (const kernel of ['workgroup-per-row', 'thread-per-row'] as const) {
    it(`${kernel}: ignored targets give log-prob 0`, async () => {
      const rt = await testRuntime();
      const T = 2, V = 10;
      const tgt = rt.buffer(8);
      rt.write(tgt, Uint32Array.of(IGNORE_TARGET, 3));
      const logits = randomArray(T * V, 5);
      const lp = await rt.readTensor(gatherLogprob(rt, rt.tensor([T, V], logits), tgt, T, V, {}, kernel).logp);
      expect(lp[0]).toBe(0);
      expect(Math.abs(lp[1] - gatherLogprobRef(logits, [0, 3], V)[1])).toBeLessThan(1e-6);
    });
  }

  it('picks thread-per-row on software adapters and a workgroup per row on GPUs', async () => {
    const rt = await testRuntime();
    expect(logSoftmaxKernelFor(rt)).toBe(rt.gpu.info.isSoftware ? 'thread-per-row' : 'workgroup-per-row');
  });
});
