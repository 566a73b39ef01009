// Matmuls to time against each other in the page. Each contender's run() does one product and waits until
// the GPU has finished it. They are timed interleaved (ours, onnxruntime, ours, ...) so that load from other
// processes on this shared machine falls on all of them alike instead of skewing their ratio.
import { matmul } from '../../src/engine/kernels/matmul.ts';
import type { Runtime } from '../../src/engine/runtime.ts';
import { destroyWeight, uploadWeight, type WeightDtype } from '../../src/engine/weights.ts';
import { median } from '../median.ts';

export interface Contender {
  run(): Promise<void>;
  close(): Promise<void>;
}

/** y[M, N] = x[M, K] · Wᵀ on our kernel, W[N, K] uploaded as `dtype`; run() waits for queue.onSubmittedWorkDone(). */
export function ourMatmul(rt: Runtime, x: Float32Array, w: Float32Array, M: number, K: number, N: number, dtype: WeightDtype): Contender {
  const weight = uploadWeight(rt, w, N, K, dtype);
  const xt = rt.tensor([M, K], x);
  const y = rt.tensor([M, N]);
  return {
    async run() {
      matmul(rt, xt, weight, M, { out: y });
      await rt.sync();
    },
    async close() {
      destroyWeight(weight);
      rt.release(xt);
      rt.release(y);
      rt.trimPool();
    },
  };
}

/** Median milliseconds of each contender's run(), after `warmup` untimed runs each (pipeline compilation, allocation). */
export async function medianMsInterleaved(contenders: Contender[], reps: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const c of contenders) await c.run();
  const times: number[][] = contenders.map(() => []);
  for (let i = 0; i < reps; i++) {
    for (const [j, c] of contenders.entries()) {
      const t0 = performance.now();
      await c.run();
      times[j].push(performance.now() - t0);
    }
  }
  return times.map(median);
}
