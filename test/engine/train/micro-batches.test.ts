// Splitting a batch into passes that fit: at most the requested size, fewer where the padded rows would not fit.
import { describe, expect, it } from 'vitest';
import { microBatches } from '../../../src/engine/train/micro-batches.ts';
import type { TrainableModel } from '../../../src/engine/train/trainable.ts';

/** A model that fits at most `tokens` padded tokens per pass (only fits() and the limit are read). */
const modelFitting = (tokens: number) => ({
  fits: (B: number, T: number) => B * T <= tokens,
  rt: { gpu: { limits: { maxStorageBufferBindingSize: tokens * 4 } } },
}) as unknown as TrainableModel;

const shape = (lengths: number[]) => ({ B: lengths.length, T: Math.max(...lengths), M: lengths.length });

describe('microBatches', () => {
  it('keeps the requested size when everything fits', () => {
    expect(microBatches(modelFitting(1000), [3, 4, 5, 6, 7], 2, shape)).toEqual([[3, 4], [5, 6], [7]]);
  });

  it('splits further where the padded rows would not fit, keeping order', () => {
    // 10 tokens per pass: [4, 5] pads to 2 × 5 = 10 (fits), adding 9 would pad to 27
    expect(microBatches(modelFitting(10), [4, 5, 9, 2, 3, 3], 8, shape)).toEqual([[4, 5], [9], [2, 3, 3]]);
  });

  it('names an example too long to fit even alone', () => {
    expect(() => microBatches(modelFitting(10), [4, 12], 8, shape)).toThrow(/one example of 13 tokens does not fit on this GPU/);
  });
});
