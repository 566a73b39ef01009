// A sentence embedder through transformers.js (`@huggingface/transformers`): its `feature-extraction` pipeline with
// mean pooling over the attention mask and L2 normalization, i.e. what sentence-transformers computes for
// all-MiniLM-L6-v2 and its kin.
//
// Where the model comes from:
// - online: a Hugging Face hub id (e.g. "Xenova/all-MiniLM-L6-v2", which has the ONNX export transformers.js needs),
//   downloaded once and kept in transformers.js's cache (the Cache API in browsers, a folder in Node);
// - offline: `localModelPath` is a folder (a URL path in the browser) holding `<model>/` in the hub layout
//   (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx); remote loading is then off unless
//   `allowRemote` says otherwise.
// transformers.js's `env` is global to its module instance: the last embedder created sets it (one embedder per
// worker is the intended use).
import type { NamedEmbedder } from './builtin.ts';

export type EmbedDevice = 'webgpu' | 'wasm' | 'auto';

export interface EmbedLoadProgress {
  /** 'download': a model file is being fetched (or read from the cache); 'ready': the pipeline is built */
  phase: 'download' | 'ready';
  file?: string;
  loaded: number;
  /** null when the size is not known */
  total: number | null;
}

export interface TransformersEmbedderOptions {
  /** a hub id ("Xenova/all-MiniLM-L6-v2") or the name of a folder under localModelPath */
  model: string;
  /** where local models live; when set, remote loading is off unless allowRemote is true */
  localModelPath?: string;
  /** fetch from the hub when the model is not local (default: true without localModelPath, false with it) */
  allowRemote?: boolean;
  /**
   * 'webgpu'; 'wasm' (in Node, where transformers.js has no wasm backend, onnxruntime-node's CPU provider);
   * 'auto' (default): WebGPU when the browser offers an adapter, else wasm (Node: the CPU provider).
   */
  device?: EmbedDevice;
  /** weights variant (default 'fp32': onnx/model.onnx; 'q8' reads onnx/model_quantized.onnx) */
  dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
  /** texts per pipeline call (default 32) */
  batchSize?: number;
  /** browser only: where onnxruntime-web's .wasm/.mjs files are served (default: transformers.js's CDN) */
  wasmPaths?: string;
  onProgress?: (progress: EmbedLoadProgress) => void;
}

export interface TransformersEmbedder extends NamedEmbedder {
  /** the execution provider the pipeline runs on: 'webgpu', 'wasm' or 'cpu' */
  device: string;
  dispose(): Promise<void>;
}

type TransformersModule = typeof import('@huggingface/transformers');

/** The shape of the pipeline we use (transformers.js's own types are a union over every task). */
type FeatureExtractor = {
  (texts: string[], options: { pooling: 'mean'; normalize: boolean }): Promise<{ dims: number[]; data: ArrayLike<number> }>;
  dispose(): Promise<void>;
};

const IS_NODE = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined';

/** The execution providers to try, in order, for a requested device. */
export async function devicesFor(device: EmbedDevice, isNode = IS_NODE): Promise<string[]> {
  const fallback = isNode ? 'cpu' : 'wasm';
  if (device === 'wasm') return [fallback];
  if (device === 'webgpu') return ['webgpu'];
  if (device !== 'auto') throw new Error(`transformersEmbedder: device must be "webgpu", "wasm" or "auto", got "${String(device)}"`);
  return !isNode && (await browserHasWebGpu()) ? ['webgpu', fallback] : [fallback];
}

async function browserHasWebGpu(): Promise<boolean> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

export async function transformersEmbedder(options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
  if (typeof options.model !== 'string' || options.model.trim() === '') throw new Error('transformersEmbedder: model is required (a hub id or a local folder name)');
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`transformersEmbedder: batchSize must be a positive integer, got ${batchSize}`);
  const transformers: TransformersModule = await import('@huggingface/transformers');
  configureEnvironment(transformers, options);
  const devices = await devicesFor(options.device ?? 'auto');
  const failures: string[] = [];
  for (const device of devices) {
    try {
      const extractor = (await transformers.pipeline('feature-extraction', options.model, {
        device: device as 'webgpu' | 'wasm' | 'cpu',
        dtype: options.dtype ?? 'fp32',
        progress_callback: loadReporter(options.onProgress),
      })) as unknown as FeatureExtractor;
      const embedder = await wrap(extractor, options.model, device, batchSize);
      options.onProgress?.({ phase: 'ready', loaded: 1, total: 1 });
      return embedder;
    } catch (error) {
      failures.push(`${device}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`transformersEmbedder: could not load "${options.model}" (${failures.join('; ')})`);
}

function configureEnvironment(transformers: TransformersModule, options: TransformersEmbedderOptions): void {
  const { env } = transformers;
  if (options.localModelPath !== undefined) {
    env.localModelPath = options.localModelPath.endsWith('/') ? options.localModelPath : `${options.localModelPath}/`;
    env.allowLocalModels = true;
  }
  env.allowRemoteModels = options.allowRemote ?? options.localModelPath === undefined;
  if (options.wasmPaths !== undefined) {
    const wasm = env.backends.onnx.wasm as { wasmPaths?: string } | undefined;
    if (wasm) wasm.wasmPaths = options.wasmPaths;
  }
}

/**
 * transformers.js reports per file: initiate → download → progress (loaded/total) → done, for the download and again
 * as it reads the cached copy; 'done' without a size repeats nothing new and is dropped.
 */
function loadReporter(onProgress: TransformersEmbedderOptions['onProgress']): (event: unknown) => void {
  const sizes = new Map<string, number>();
  return (event) => {
    if (!onProgress || typeof event !== 'object' || event === null) return;
    const e = event as { status?: string; file?: string; loaded?: number; total?: number };
    const file = e.file ?? '';
    if (e.status === 'progress' && typeof e.total === 'number' && e.total > 0) {
      sizes.set(file, e.total);
      onProgress({ phase: 'download', file: e.file, loaded: e.loaded ?? 0, total: e.total });
    } else if (e.status === 'done' && sizes.has(file)) {
      onProgress({ phase: 'download', file: e.file, loaded: sizes.get(file)!, total: sizes.get(file)! });
    }
  };
}

/** The pipeline as an Embedder; its dimension is read from one probe text. */
async function wrap(extractor: FeatureExtractor, model: string, device: string, batchSize: number): Promise<TransformersEmbedder> {
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      const tensor = await extractor(batch, { pooling: 'mean', normalize: true });
      const [rows, dim] = tensor.dims; // [batch, hidden]
      if (rows !== batch.length) throw new Error(`transformersEmbedder: the pipeline returned ${rows} vectors for ${batch.length} texts`);
      for (let r = 0; r < rows; r++) out.push(Float32Array.from({ length: dim }, (_, d) => tensor.data[r * dim + d]));
    }
    return out;
  };
  const [probe] = await run(['dimension probe']);
  return {
    name: model,
    dim: probe.length,
    device,
    embed: run,
    dispose: () => extractor.dispose(),
  };
}
