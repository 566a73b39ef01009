// onnxruntime's matmul as the baseline for our kernels: the WebGPU EP on the same adapter when it works,
// otherwise the CPU EP, labelled as such (the label travels with the number into the table and the JSON).
// Also a bench module of its own: the baseline figures for the standard shapes, WebGPU EP vs CPU EP.
import type { BenchContext, BenchRow } from './types.ts';
import { ensureSameAdapter, measureOrtMatmul } from './onnx-matmul.ts';

/** The shapes every matmul figure is reported at (rows of a batch × a model's projection widths). */
export const MATMUL_SHAPES: ReadonlyArray<readonly [number, number, number]> = [
  [64, 512, 1536],
  [1, 512, 1536],
  [256, 256, 256],
  [1024, 1024, 1024],
];

export const QUICK_MATMUL_SHAPES: ReadonlyArray<readonly [number, number, number]> = [[64, 512, 1536], [1, 512, 1536]];

export interface Baseline {
  name: string;
  value: number;
}

let webgpuFailure: string | null | undefined; // undefined: not tried yet; null: works
let adapterReady: Promise<string> | null = null;

export function shapeName(M: number, K: number, N: number): string {
  return `M=${M} K=${K} N=${N}`;
}

/**
 * onnxruntime's MatMul GFLOP/s at this shape: WebGPU EP on our adapter, or the CPU EP labelled with why
 * the WebGPU EP could not be used. `reps`: timed runs (median).
 */
export async function matmulBaseline(M: number, K: number, N: number, reps: number): Promise<Baseline> {
  adapterReady ??= ensureSameAdapter();
  await adapterReady;
  if (webgpuFailure === undefined || webgpuFailure === null) {
    try {
      const { gflops } = await measureOrtMatmul(M, K, N, { ep: 'webgpu', reps });
      webgpuFailure = null;
      return { name: 'onnxruntime-node WebGPU EP', value: gflops };
    } catch (error) {
      webgpuFailure = error instanceof Error ? error.message : String(error);
    }
  }
  const { gflops } = await measureOrtMatmul(M, K, N, { ep: 'cpu', reps });
  return { name: `onnxruntime-node CPU EP (WebGPU EP failed: ${webgpuFailure})`, value: gflops };
}

/** The baseline itself: onnxruntime's WebGPU EP, with its CPU EP as the comparison, per shape. */
export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const reps = ctx.quick ? 3 : 7;
  const rows: BenchRow[] = [];
  for (const [M, K, N] of ctx.quick ? QUICK_MATMUL_SHAPES : MATMUL_SHAPES) {
    const gpu = await matmulBaseline(M, K, N, reps);
    const cpu = await measureOrtMatmul(M, K, N, { ep: 'cpu', reps });
    rows.push({
      group: 'onnxruntime matmul f32',
      name: shapeName(M, K, N),
      value: gpu.value,
      unit: 'GFLOP/s',
      baseline: { name: 'onnxruntime-node CPU EP', value: cpu.gflops },
      note: gpu.name,
    });
  }
  return rows;
}
