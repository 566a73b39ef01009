import { describe, expect, it } from 'vitest';
import { transpose } from '../../../src/engine/kernels/transpose.ts';
import { transposeRef } from '../../../src/engine/reference/ops.ts';
import { randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('transpose', () => {
  // 4 × 4 blocks, 8 × 8 per workgroup: 36 × 44 has partial workgroups on both sides
  for (const [R, C] of [[4, 4], [36, 44], [704, 128]]) {
    it(`[${R}, ${C}] → [${C}, ${R}], exactly`, async () => {
      const rt = await testRuntime();
      const x = randomArray(R * C, R + C);
      const y = await rt.readTensor(transpose(rt, rt.tensor([R, C], x), R, C));
      expect(Array.from(y)).toEqual(Array.from(transposeRef(x, R, C)));
    });
  }

  it('rejects sides that are not multiples of 4', async () => {
    const rt = await testRuntime();
    expect(() => transpose(rt, rt.tensor([6, 8]), 6, 8)).toThrow(/\[6, 8\] needs both sides positive multiples of 4/);
  });
});
