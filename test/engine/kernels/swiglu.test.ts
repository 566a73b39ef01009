import { describe, expect, it } from 'vitest';
import { swiglu, swigluFused } from '../../../src/engine/kernels/swiglu.ts';
import { swigluRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('swiglu', () => {
  for (const [T, I] of [[1, 5], [3, 257], [4, 1536]]) {
    it(`T=${T} I=${I}, separate and fused`, async () => {
      const rt = await testRuntime();
      const gate = randomArray(T * I, T + I, -6, 6);
      const up = randomArray(T * I, 2 * T + I, -2, 2);
      const fused = new Float32Array(T * 2 * I);
      for (let t = 0; t < T; t++) {
        fused.set(gate.subarray(t * I, t * I + I), t * 2 * I);
        fused.set(up.subarray(t * I, t * I + I), t * 2 * I + I);
      }
      const ref = swigluRef(gate, up);
      const y1 = await rt.readTensor(swiglu(rt, rt.tensor([T, I], gate), rt.tensor([T, I], up), T, I));
      const y2 = await rt.readTensor(swigluFused(rt, rt.tensor([T, 2 * I], fused), T, I));
      const e1 = maxAbsDiff(y1, ref);
      const e2 = maxAbsDiff(y2, ref);
      console.log(`swiglu T=${T} I=${I}: max abs err ${e1.toExponential(2)} (fused ${e2.toExponential(2)})`);
      // |y| ≤ 12; f32 exp and division are within a few ulp: relative ~5e-7, so 1e-5 absolute
      expect(e1).toBeLessThan(1e-5);
      expect(e2).toBeLessThan(1e-5);
    });
  }
});
