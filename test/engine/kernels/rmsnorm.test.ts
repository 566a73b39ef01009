import { describe, expect, it } from 'vitest';
import { rmsnorm, rmsnormKernelFor } from '../../../src/engine/kernels/rmsnorm.ts';
import { rmsnormRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('rmsnorm', () => {
  for (const kernel of ['workgroup-per-row', 'thread-per-row'] as const) {
    // thread-per-row reads vec4s: H % 4 = 0 only; T = 70 spans two of its 64-thread workgroups
    const shapes = kernel === 'thread-per-row' ? [[1, 8], [70, 128], [5, 576], [2, 4096]] : [[1, 8], [3, 37], [5, 576], [2, 4096]];
    for (const [T, H] of shapes) {
      it(`${kernel} T=${T} H=${H}`, async () => {
        const rt = await testRuntime();
        const x = randomArray(T * H, T * 1000 + H, -2, 2);
        const w = randomArray(H, H, 0.5, 1.5);
        const y = await rt.readTensor(rmsnorm(rt, rt.tensor([T, H], x), rt.tensor([H], w), T, H, 1e-6, undefined, kernel));
        const err = maxAbsDiff(y, rmsnormRef(x, w, T, H, 1e-6));
        console.log(`rmsnorm ${kernel} T=${T} H=${H}: max abs err ${err.toExponential(2)}`);
        // |y| ≤ ~3·1.5; the f32 sum of squares over H terms has relative error ≲ log2(H)·6e-8 (H·6e-8 summed in one
        // thread), inverseSqrt a few ulp: 1e-5 absolute leaves room for both.
        expect(err).toBeLessThan(1e-5);
      });
    }
  }

  it('picks thread-per-row on software adapters when H % 4 = 0, else a workgroup per row', async () => {
    const rt = await testRuntime();
    expect(rmsnormKernelFor(rt, 128)).toBe(rt.gpu.info.isSoftware ? 'thread-per-row' : 'workgroup-per-row');
    expect(rmsnormKernelFor(rt, 37)).toBe('workgroup-per-row');
    expect(() => rmsnorm(rt, rt.tensor([2 * 37]), rt.tensor([37]), 2, 37, 1e-6, undefined, 'thread-per-row')).toThrow(/H % 4 = 0, got H = 37/);
  });
});
