// Splitting a batch into forward/backward passes. Rows of one pass are right-padded to its longest row, so a batch
// of mixed lengths run as one pass computes many padding tokens. The items are sorted by length and cut into
// passes of similar lengths, the cuts chosen to minimise the estimated cost: the padded work plus a fixed cost
// per pass (passCostFor). Each pass holds at most the micro-batch the user asked for and fits the GPU
// (TrainableModel.fits). The batch's gradient is the same whatever the passes (up to float rounding): every
// caller weighs its items by batch-wide totals.
import type { ModelConfig } from '../files/config.ts';
import type { TrainableModel } from './trainable.ts';

/** A pass's shape: rows, padded length, targets. */
export interface PassShape {
  B: number;
  T: number;
  M: number;
}

/** One pass: its items, and where each stood in the batch. */
export interface Pass<T> {
  items: T[];
  positions: number[];
}

/** How a pass is costed, in FLOPs. */
export interface PassCost {
  /** work per padded token that grows with the row count (the products), forward and backward */
  perToken: number;
  /** work per row per squared padded length (causal attention), forward and backward */
  perSquaredLength: number;
  /** the fixed cost of a pass (its dispatches, read-back and waits), as FLOPs the adapter would do meanwhile */
  perPass: number;
}

/**
 * Coarse adapter rates for the cost model (the split only needs their order of magnitude). Software adapters:
 * our products run at 2-7 GFLOP/s (README, "The lab's scale"), and a pass's fixed cost is about 40 ms for
 * tiny-math's 260 dispatches (measured: one row of 16 tokens, forward, backward and read-back, on lavapipe),
 * 150 µs per dispatch. GPUs: assumed, not measured here: a few TFLOP/s on small models, 10 µs per dispatch.
 */
const RATES = {
  software: { flops: 5e9, dispatchSeconds: 150e-6 },
  hardware: { flops: 2e12, dispatchSeconds: 10e-6 },
};
/** dispatches of one forward + backward pass: about 60 per decoder layer plus the embedding, head and loss */
const dispatchesPerPass = (c: ModelConfig) => 60 * c.numLayers + 20;

/** The cost model for this model on this adapter. */
export function passCostFor(config: ModelConfig, software: boolean): PassCost {
  const c = config;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const linear = c.numLayers * (c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize) + c.vocabSize * c.hiddenSize;
  const rate = software ? RATES.software : RATES.hardware;
  return {
    perToken: 6 * linear, // 2 per multiply-add forward, 4 backward
    perSquaredLength: 6 * c.numLayers * q, // QKᵀ and PV over half the T² (causal): 2·T²·q forward, twice that backward
    perPass: dispatchesPerPass(c) * rate.dispatchSeconds * rate.flops,
  };
}

/**
 * Passes of at most `max` items that fit the model, items of similar length together (see the file's comment).
 * Throws when one item alone does not fit.
 */
export function microBatches<T>(model: TrainableModel, items: T[], max: number, shapeOf: (group: T[]) => PassShape): Pass<T>[] {
  const fits = (s: PassShape) => model.fits(s.B, s.T, s.M);
  for (const item of items) {
    const alone = shapeOf([item]);
    if (!fits(alone)) {
      throw new Error(`one example of ${alone.T + 1} tokens does not fit on this GPU (binding limit ${model.rt.gpu.limits.maxStorageBufferBindingSize} bytes); shorten it`);
    }
  }
  return groupByLength(items, max, shapeOf, fits, passCostFor(model.config, model.rt.gpu.info.isSoftware));
}

/**
 * The cheapest cut of the items, sorted by padded length (longest first, ties in batch order), into consecutive
 * passes: dynamic programming over the sorted order, best[j] = min over i of best[i] + cost(items i..j).
 */
export function groupByLength<T>(items: T[], max: number, shapeOf: (group: T[]) => PassShape, fits: (s: PassShape) => boolean, cost: PassCost): Pass<T>[] {
  const n = items.length;
  const length = items.map((item) => shapeOf([item]).T);
  const order = items.map((_, i) => i).sort((a, b) => length[b] - length[a] || a - b);
  const best = new Array<number>(n + 1).fill(Infinity);
  const cut = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = j - 1; i >= 0 && j - i <= max; i--) {
      const s = shapeOf(order.slice(i, j).map((k) => items[k]));
      if (!fits(s)) break; // a longer run from the same end only grows
      const total = best[i] + cost.perPass + s.B * (s.T * cost.perToken + s.T * s.T * cost.perSquaredLength);
      if (total < best[j]) {
        best[j] = total;
        cut[j] = i;
      }
    }
  }
  const passes: Pass<T>[] = [];
  for (let j = n; j > 0; j = cut[j]) {
    const positions = order.slice(cut[j], j);
    passes.unshift({ items: positions.map((k) => items[k]), positions });
  }
  return passes;
}
