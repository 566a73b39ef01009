// The matmul baseline: onnxruntime-node running one MatMul node, Y[M, N] = X[M, K] · B[K, N], B an initializer.
// WebGPU EP: timed with the output kept on the GPU, then a tiny second session's CPU-output run on the same
// device makes the wait explicit (onnxruntime-node 1.30 cannot read a gpu-buffer output back: getData() aborts
// the process); the tiny run's own time, measured alone, is subtracted. CPU EP: run() is synchronous work.
import { createRequire } from 'node:module';
import type * as OrtTypes from 'onnxruntime-common';
import { uniformArray } from '../src/util/random.ts';
import { median } from './median.ts';
import { matmulModel } from './onnx-model.ts';

export type OrtEp = 'webgpu' | 'cpu';

export interface OrtMatmulOptions {
  ep: OrtEp;
  /** timed repetitions; the median is reported */
  reps?: number;
  /** seed of the random X and B */
  seed?: number;
}

type Ort = typeof OrtTypes & {
  InferenceSession: typeof OrtTypes.InferenceSession;
};

let ortModule: Ort | null = null;

/** onnxruntime-node is CommonJS and ships its own native binding; loaded on first use only. */
export function loadOrt(): Ort {
  ortModule ??= createRequire(import.meta.url)('onnxruntime-node') as Ort;
  return ortModule;
}

/**
 * onnxruntime's WebGPU EP uses its own Dawn, which reads the Vulkan ICD from the environment at its first
 * session. Our acquireGpu() (gpu-node.ts) sets VK_ICD_FILENAMES in this process when it had to pick a
 * software driver, so acquiring our adapter first makes both use the same one.
 */
export async function ensureSameAdapter(): Promise<string> {
  const { acquireGpu } = await import('../src/engine/gpu.ts');
  const gpu = await acquireGpu();
  const description = gpu.info.description;
  gpu.destroy();
  return description;
}

async function createSession(M: number, K: number, N: number, b: Float32Array, ep: OrtEp, gpuOutput: boolean) {
  const ort = loadOrt();
  const options: OrtTypes.InferenceSession.SessionOptions = { executionProviders: [ep], graphOptimizationLevel: 'all' };
  if (gpuOutput) options.preferredOutputLocation = 'gpu-buffer';
  return ort.InferenceSession.create(matmulModel(M, K, N, b), options);
}

/** Runs the one-node graph once and returns Y (CPU output), for checking numbers against a reference. */
export async function runOrtMatmul(x: Float32Array, b: Float32Array, M: number, K: number, N: number, ep: OrtEp): Promise<Float32Array> {
  if (x.length !== M * K) throw new Error(`runOrtMatmul: X has ${x.length} values, expected M*K = ${M * K}`);
  const ort = loadOrt();
  const session = await createSession(M, K, N, b, ep, false);
  try {
    const out = await session.run({ X: new ort.Tensor('float32', x, [M, K]) });
    return new Float32Array(out.Y.data as Float32Array);
  } finally {
    await session.release();
  }
}


async function timedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Median milliseconds of one MatMul on the CPU EP (the output is a CPU tensor: run() returns when done). */
async function medianMsCpu(M: number, K: number, N: number, x: Float32Array, b: Float32Array, reps: number): Promise<number> {
  const ort = loadOrt();
  const session = await createSession(M, K, N, b, 'cpu', false);
  const feeds = { X: new ort.Tensor('float32', x, [M, K]) };
  try {
    await session.run(feeds); // warm-up
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await timedMs(() => session.run(feeds)));
    return median(times);
  } finally {
    await session.release();
  }
}

/** Median milliseconds of one MatMul on the WebGPU EP, output left on the GPU, finished work waited for. */
async function medianMsWebgpu(M: number, K: number, N: number, x: Float32Array, b: Float32Array, reps: number): Promise<number> {
  const ort = loadOrt();
  const session = await createSession(M, K, N, b, 'webgpu', true);
  // A 1x1x1 MatMul with a CPU output: its readback waits for everything queued before it on the shared device.
  const fence = await createSession(1, 1, 1, new Float32Array([1]), 'webgpu', false);
  const feeds = { X: new ort.Tensor('float32', x, [M, K]) };
  const fenceFeeds = { X: new ort.Tensor('float32', new Float32Array([1]), [1, 1]) };
  const runAndWait = async () => {
    const out = await session.run(feeds);
    await fence.run(fenceFeeds);
    out.Y.dispose();
  };
  try {
    await runAndWait(); // warm-up: pipeline compilation, buffer allocation
    await runAndWait();
    const fenceTimes: number[] = [];
    for (let i = 0; i < Math.max(3, reps); i++) fenceTimes.push(await timedMs(() => fence.run(fenceFeeds)));
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await timedMs(runAndWait));
    return Math.max(median(times) - median(fenceTimes), 1e-3);
  } finally {
    await session.release();
    await fence.release();
  }
}

/** GFLOP/s (2·M·K·N flops per MatMul) of onnxruntime-node's MatMul, median of `reps` timed runs. */
export async function measureOrtMatmul(M: number, K: number, N: number, options: OrtMatmulOptions): Promise<{ gflops: number; ms: number }> {
  for (const [name, v] of Object.entries({ M, K, N })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`measureOrtMatmul: ${name} must be a positive integer, got ${v}`);
  }
  const reps = options.reps ?? 5;
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`measureOrtMatmul: reps must be a positive integer, got ${reps}`);
  const seed = options.seed ?? 1;
  const x = uniformArray(M * K, seed);
  const b = uniformArray(K * N, seed + 1);
  const ms = options.ep === 'webgpu' ? await medianMsWebgpu(M, K, N, x, b, reps) : await medianMsCpu(M, K, N, x, b, reps);
  return { gflops: (2 * M * K * N) / (ms * 1e6), ms };
}
