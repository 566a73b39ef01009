import { describe, expect, it } from 'vitest';
import { dropout } from '../../../src/engine/kernels/dropout.ts';
import { dropoutRef } from '../../../src/engine/reference/dropout.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('dropout kernel', () => {
  it.each([[0.1, 7], [0.5, 123456789], [0, 3]])('matches the reference mask exactly (p=%f, seed=%i)', async (p, seed) => {
    const rt = await testRuntime();
    const n = 10_007;
    const x = randomArray(n, 5);
    const y = await rt.readTensor(dropout(rt, rt.tensor([n], x), p, seed));
    const ref = dropoutRef(x, p, seed);
    expect(maxAbsDiff(y, ref)).toBe(0); // same integer hash, same f32 product
    const dropped = y.filter((v) => v === 0).length / n;
    expect(Math.abs(dropped - p)).toBeLessThan(0.02); // the hash is close to uniform
    if (p > 0) expect(maxAbsDiff(await rt.readTensor(dropout(rt, rt.tensor([n], x), p, seed + 1)), y)).toBeGreaterThan(0); // another seed, another mask
  });
});
