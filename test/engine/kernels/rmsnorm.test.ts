import { describe, expect, it } from 'vitest';
import { rmsnorm } from '../../../src/engine/kernels/rmsnorm.ts';
import { rmsnormRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('rmsnorm', () => {
  for (const [T, H] of [[1, 8], [3, 37], [5, 576], [2, 4096]]) {
    it(`T=${T} H=${H}`, async () => {
      const rt = await testRuntime();
      const x = randomArray(T * H, T * 1000 + H, -2, 2);
      const w = randomArray(H, H, 0.5, 1.5);
      const y = await rt.readTensor(rmsnorm(rt, rt.tensor([T, H], x), rt.tensor([H], w), T, H, 1e-6));
      const err = maxAbsDiff(y, rmsnormRef(x, w, T, H, 1e-6));
      console.log(`rmsnorm T=${T} H=${H}: max abs err ${err.toExponential(2)}`);
      // |y| ≤ ~3·1.5; the f32 sum of squares over H terms has relative error ≲ log2(H)·6e-8, inverseSqrt a few ulp:
      // 1e-5 absolute leaves room for both.
      expect(err).toBeLessThan(1e-5);
    });
  }
});
