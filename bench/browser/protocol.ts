// What the bench page (bench/browser/main.ts) and its Node driver (bench/chromium.ts) exchange through
// page.evaluate: plain JSON-able objects only.
import type { WeightDtype } from '../../src/engine/weights.ts';
import type { SmallModelReport, SmallModelRequest } from '../small-model-core.ts';

export interface PageShape {
  M: number;
  K: number;
  N: number;
  /** weight formats of our kernel to time at this shape (onnxruntime is always timed in f32) */
  dtypes: WeightDtype[];
}

export interface MatmulBenchRequest {
  shapes: PageShape[];
  /** timed runs per figure (after two warm-up runs); the median is reported */
  reps: number;
}

export interface ShapeTiming {
  M: number;
  K: number;
  N: number;
  /** median milliseconds of one y = x·Wᵀ on our kernel, per weight format */
  ours: { dtype: WeightDtype; ms: number }[];
  /** median milliseconds of onnxruntime-web's f32 MatMul on its WebGPU EP, or why it could not run */
  ort: { ms: number } | { error: string };
}

export interface MatmulBenchReply {
  /** our device's adapter, e.g. "google swiftshader ..." */
  adapter: string;
  /** onnxruntime-web's version string */
  ortVersion: string;
  shapes: ShapeTiming[];
}

/** Max absolute differences of one small product computed three ways in the page. */
export interface MatmulCheckReply {
  adapter: string;
  /** our kernel vs a plain TypeScript matmul of the same (for q8/q4: dequantized) weights */
  ours: Record<WeightDtype, number>;
  /** onnxruntime-web's WebGPU MatMul vs the plain f32 matmul */
  ort: number;
  /** largest |y| of the reference, to judge the errors' scale */
  maxAbsReference: number;
}

export interface BenchPageApi {
  runMatmulBench(request: MatmulBenchRequest): Promise<MatmulBenchReply>;
  checkMatmul(shape: { M: number; K: number; N: number }): Promise<MatmulCheckReply>;
  /** tiny-math's scale: training steps and batch-64 decoding (bench/small-model-core.ts) */
  runSmallModelBench(request: SmallModelRequest): Promise<SmallModelReport>;
}

/** The global the page sets once its modules have loaded. */
export const PAGE_API_GLOBAL = 'saiDpoMatmulBench';
