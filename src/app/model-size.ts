// Will a model fit? Told from its config.json alone (a few hundred bytes), before any weights are downloaded:
// the parameter count gives the download and the GPU memory for the chosen dtype, and the largest tensor must fit
// in one storage buffer binding of the adapter (WebGPU cannot split a bound buffer).
import type { ModelConfig } from '../engine/files/config.ts';

export type SizeDtype = 'f32' | 'q8' | 'q4';

/** Bytes per weight on the GPU: f32, int8 plus one f32 scale per 64, 4-bit plus scale and minimum per 32. */
const BYTES_PER_WEIGHT: Record<SizeDtype, number> = { f32: 4, q8: 1 + 4 / 64, q4: 0.5 + 8 / 32 };

export interface ModelSize {
  parameters: number;
  /** the largest single weight matrix, in parameters (the embedding table or the output head for most models) */
  largestTensor: number;
  /** GPU memory for the frozen weights in the chosen dtype (the tied lookup table stays f32), bytes */
  weightBytes: number;
  largestTensorBytes: number;
}

export function modelSize(config: ModelConfig, dtype: SizeDtype): ModelSize {
  const h = config.hiddenSize;
  const kv = config.numKvHeads * config.headDim;
  const q = config.numHeads * config.headDim;
  const perLayer = h * q + 2 * h * kv + q * h + 3 * h * config.intermediateSize + 2 * h;
  const embedding = config.vocabSize * h;
  const head = config.tieWordEmbeddings ? 0 : embedding;
  const parameters = embedding + head + config.numLayers * perLayer + h;
  const largestTensor = Math.max(embedding, h * config.intermediateSize, h * q);
  const perWeight = BYTES_PER_WEIGHT[dtype];
  // embeddings are looked up in f32; quantized bases give the output head its own quantized copy
  const weightBytes = embedding * 4 + (head || (dtype === 'f32' ? 0 : embedding)) * perWeight + config.numLayers * perLayer * perWeight;
  return { parameters, largestTensor, weightBytes, largestTensorBytes: largestTensor * 4 };
}

export interface DeviceBudget {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Why the model cannot run on this device (before downloading it), or null when it fits. */
export function tooBigReason(size: ModelSize, device: DeviceBudget): string | null {
  const limit = Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize);
  if (size.largestTensorBytes > limit) {
    return `its largest weight matrix needs ${mib(size.largestTensorBytes)} in one GPU buffer, and this device allows at most ${mib(limit)}`;
  }
  return null;
}

/** Above this many bytes of download the page asks before fetching. */
export const LARGE_DOWNLOAD_BYTES = 600 * 1024 * 1024;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** e.g. "135 M parameters". */
export function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B parameters`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} M parameters`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} k parameters`;
  return `${n} parameters`;
}
