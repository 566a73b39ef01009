// Splitting a batch into passes: at most the micro-batch the user asked for, and fewer where the padded
// rows would not fit the GPU (TrainableModel.fits); the batch's gradient is the same either way.
import type { TrainableModel } from './trainable.ts';

/** A pass's shape: rows, padded length, targets. */
export interface PassShape {
  B: number;
  T: number;
  M: number;
}

/** Consecutive groups of at most `max` items, each fitting the model; throws when one item alone does not fit. */
export function microBatches<T>(model: TrainableModel, items: T[], max: number, shapeOf: (group: T[]) => PassShape): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  for (const item of items) {
    const candidate = [...group, item];
    const { B, T: len, M } = shapeOf(candidate);
    if (group.length < max && model.fits(B, len, M)) {
      group = candidate;
      continue;
    }
    if (group.length > 0) groups.push(group);
    const alone = shapeOf([item]);
    if (!model.fits(alone.B, alone.T, alone.M)) {
      throw new Error(`one example of ${alone.T + 1} tokens does not fit on this GPU (binding limit ${model.rt.gpu.limits.maxStorageBufferBindingSize} bytes); shorten it`);
    }
    group = [item];
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
