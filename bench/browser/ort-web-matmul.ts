// onnxruntime-web's WebGPU EP (the `onnxruntime-web/webgpu` build, the one transformers.js uses) running
// the one-node MatMul graph of bench/onnx-model.ts: Y[M, N] = X[M, K] · B[K, N], B an initializer.
// X is fed as a GPU buffer and Y stays on the GPU, so a timed run is the MatMul alone; the run is waited
// for with ORT's own device's queue.onSubmittedWorkDone() (checked: a getData() readback instead gives the
// same times within noise at M=64 K=512 N=1536).
// The wasm runtime is loaded from `./ort/` next to the page (copied there by bench/chromium.ts): no CDN.
import * as ort from 'onnxruntime-web/webgpu';
import { matmulModel } from '../onnx-model.ts';
import type { Contender } from './contenders.ts';

const STORAGE_COPY_SRC_DST = 0x80 | 0x04 | 0x08;

let configured = false;

function configure(): void {
  if (configured) return;
  ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
  // The page is not cross-origin isolated (no SharedArrayBuffer): one wasm thread, no proxy worker.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  configured = true;
}

export function ortVersion(): string {
  return ort.env.versions.web ?? ort.env.versions.common;
}

export interface OrtMatmul extends Contender {
  /** one MatMul, finished on the GPU (its output disposed) */
  run(): Promise<void>;
  /** one MatMul, read back to the CPU */
  values(): Promise<Float32Array>;
}

/** A session for X[M, K] · B[K, N] with X already in a buffer on onnxruntime's device. */
export async function openOrtMatmul(x: Float32Array, b: Float32Array, M: number, K: number, N: number): Promise<OrtMatmul> {
  if (x.length !== M * K) throw new Error(`ort matmul: X has ${x.length} values, expected M*K = ${M * K}`);
  configure();
  const session = await ort.InferenceSession.create(matmulModel(M, K, N, b), {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
    preferredOutputLocation: 'gpu-buffer',
  });
  const device = (await ort.env.webgpu.device) as GPUDevice;
  const xBuffer = device.createBuffer({ size: Math.ceil(x.byteLength / 16) * 16, usage: STORAGE_COPY_SRC_DST });
  device.queue.writeBuffer(xBuffer, 0, x as Float32Array<ArrayBuffer>);
  const feeds = { X: ort.Tensor.fromGpuBuffer(xBuffer, { dataType: 'float32', dims: [M, K] }) };
  return {
    async run() {
      const out = await session.run(feeds);
      await device.queue.onSubmittedWorkDone();
      out.Y.dispose();
    },
    async values() {
      const out = await session.run(feeds);
      const data = (await out.Y.getData(true)) as Float32Array;
      return new Float32Array(data);
    },
    async close() {
      await session.release();
      xBuffer.destroy();
    },
  };
}

/** B[K, N] = Wᵀ for W[N, K] (our weights are nn.Linear's [out, in]; ONNX MatMul takes [in, out]). */
export function transposeToKN(w: Float32Array, N: number, K: number): Float32Array {
  const b = new Float32Array(K * N);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) b[k * N + n] = w[n * K + k];
  return b;
}

/** Y = X · B computed once by onnxruntime-web's WebGPU EP, read back. */
export async function runOrtWeb(x: Float32Array, b: Float32Array, M: number, K: number, N: number): Promise<Float32Array> {
  const matmul = await openOrtMatmul(x, b, M, K, N);
  try {
    return await matmul.values();
  } finally {
    await matmul.close();
  }
}
