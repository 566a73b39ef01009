import { describe, expect, it } from 'vitest';
import { rope } from '../../../src/engine/kernels/rope.ts';
import { ropeRef } from '../../../src/engine/reference/ops.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('rope', () => {
  for (const [T, nHeads, headDim, theta] of [[1, 1, 2, 10000], [5, 3, 6, 10000], [17, 2, 64, 1e6], [9, 4, 128, 10000]]) {
    it(`T=${T} heads=${nHeads} d=${headDim} theta=${theta}`, async () => {
      const rt = await testRuntime();
      const x = randomArray(T * nHeads * headDim, T + headDim);
      // positions not in order and up to 300, as in batched decode
      const positions = Uint32Array.from({ length: T }, (_, t) => (t * 37 + 11) % 301);
      const pos = rt.buffer(T * 4);
      rt.write(pos, positions);
      const tx = rt.tensor([T, nHeads * headDim], x);
      rope(rt, tx, pos, T, nHeads, headDim, theta);
      const y = await rt.readTensor(tx);
      const err = maxAbsDiff(y, ropeRef(x, positions, nHeads, headDim, theta));
      console.log(`rope T=${T} d=${headDim}: max abs err ${err.toExponential(2)}`);
      // The angle pos·invFreq is formed in f32 as in Hugging Face (relative error ~1e-7, so ≤ 300·1e-7 = 3e-5 rad
      // absolute), then cos/sin in f32: with |x| ≤ 1 the output error stays below ~1e-4.
      expect(err).toBeLessThan(1e-4);
    });
  }
  it('rejects an odd head dimension', async () => {
    const rt = await testRuntime();
    expect(() => rope(rt, rt.tensor([3]), rt.buffer(4), 1, 1, 3, 10000)).toThrow(/headDim 3 must be even/);
  });
});
