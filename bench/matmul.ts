// Matmul throughput (GFLOP/s = 2·M·K·N / time) of our kernels for frozen weights in f32, q8 and q4, at the
// shapes our models use, against onnxruntime-node's WebGPU EP (f32 MatMul, B an initializer) on the same adapter.
// Each figure: the median of `reps` runs after two warm-up runs; a run records one matmul, submits it and waits
// for queue.onSubmittedWorkDone().
import { acquireGpu } from '../src/engine/gpu.ts';
import { matmul } from '../src/engine/kernels/matmul.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { destroyWeight, uploadWeight, type WeightDtype } from '../src/engine/weights.ts';
import { uniformArray } from '../src/util/random.ts';
import { median } from './median.ts';
import { round } from './report.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['matmul f32', 'matmul q8', 'matmul q4'];

interface Shape { M: number; K: number; N: number; dtypes: WeightDtype[] }

const ALL: WeightDtype[] = ['f32', 'q8', 'q4'];
export const SHAPES: Shape[] = [
  { M: 64, K: 512, N: 1536, dtypes: ALL }, // prefill-like
  { M: 1, K: 512, N: 1536, dtypes: ALL }, // decode, one sequence
  { M: 8, K: 512, N: 1536, dtypes: ALL }, // batched decode
  { M: 8, K: 2048, N: 8192, dtypes: ALL }, // batched decode, a large MLP
  { M: 1024, K: 1024, N: 1024, dtypes: ['f32'] },
  { M: 4864, K: 128, N: 384, dtypes: ['f32'] }, // tiny-math training: 16 rows of 304 tokens, hidden 128 → gate/up
];


/** Median milliseconds of one y = x·Wᵀ on our kernels. */
export async function measureOurs(
  rt: Runtime, shape: { M: number; K: number; N: number }, dtype: WeightDtype, reps: number, kernel?: 'tiled' | 'decode',
): Promise<number> {
  const { M, K, N } = shape;
  const w = uploadWeight(rt, uniformArray(N * K, 2), N, K, dtype);
  const x = rt.tensor([M, K], uniformArray(M * K, 1));
  const y = rt.tensor([M, N]);
  try {
    for (let i = 0; i < 2; i++) {
      matmul(rt, x, w, M, { out: y, kernel });
      await rt.sync();
    }
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      matmul(rt, x, w, M, { out: y, kernel });
      await rt.sync();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    destroyWeight(w);
    rt.release(x);
    rt.release(y);
  }
}

type OrtMeasure = (M: number, K: number, N: number, o: { ep: 'webgpu' | 'cpu'; reps: number }) => Promise<{ gflops: number }>;

async function loadBaseline(): Promise<{ measure: OrtMeasure | null; why: string }> {
  try {
    const spec = './onnx-matmul.ts';
    const mod = (await import(/* @vite-ignore */ spec)) as { measureOrtMatmul?: OrtMeasure };
    if (typeof mod.measureOrtMatmul !== 'function') return { measure: null, why: 'bench/onnx-matmul.ts exports no measureOrtMatmul' };
    return { measure: mod.measureOrtMatmul, why: '' };
  } catch (e) {
    return { measure: null, why: `onnxruntime baseline unavailable: ${(e as Error).message}` };
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const reps = ctx.quick ? 5 : 9;
  const gpu = await acquireGpu();
  const rt = new Runtime(gpu);
  const rows: BenchRow[] = [];
  const { measure, why } = await loadBaseline();
  try {
    for (const shape of SHAPES) {
      const { M, K, N } = shape;
      const name = `M=${M} K=${K} N=${N}`;
      const flops = 2 * M * K * N;
      let baseline: BenchRow['baseline'];
      let note = why || undefined;
      if (measure) {
        try {
          const { gflops } = await measure(M, K, N, { ep: 'webgpu', reps });
          baseline = { name: 'onnxruntime-node WebGPU EP (f32)', value: round(gflops) };
        } catch (e) {
          note = `onnxruntime baseline failed: ${(e as Error).message}`;
        }
      }
      for (const dtype of shape.dtypes) {
        const ms = await measureOurs(rt, shape, dtype, reps);
        // the baseline is onnxruntime's f32 MatMul for every dtype (its 4-bit MatMulNBits is not measured here)
        const rowNote = dtype === 'f32' ? note : [note, 'baseline is f32 (dequantized in our kernel, same flop count)'].filter(Boolean).join('; ');
        rows.push({ group: `matmul ${dtype}`, name, value: round(flops / (ms * 1e6)), unit: 'GFLOP/s', baseline, note: rowNote || undefined });
      }
    }
  } finally {
    rt.trimPool();
    gpu.destroy();
  }
  return rows;
}
