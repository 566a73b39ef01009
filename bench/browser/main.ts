// The matmul bench page: our WGSL matmul (the engine, on navigator.gpu) and onnxruntime-web's WebGPU EP,
// timed in the same page on the same adapter. Driven from Node by bench/chromium.ts through the global
// `saiDpoMatmulBench` (see protocol.ts); the page itself only shows its state.
import { acquireGpu } from '../../src/engine/gpu.ts';
import { matmul } from '../../src/engine/kernels/matmul.ts';
import { dequantize, quantizeQ4, quantizeQ8 } from '../../src/engine/quant.ts';
import { matmulRef } from '../../src/engine/reference/ops.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { destroyWeight, uploadWeight, type WeightDtype } from '../../src/engine/weights.ts';
import { uniformArray as randomArray } from '../../src/util/random.ts';
import { maxAbsDiff } from '../../test/helpers/gpu.ts';
import { measureSmallModel, type SmallModelReport, type SmallModelRequest } from '../small-model-core.ts';
import { medianMsInterleaved, ourMatmul, type Contender } from './contenders.ts';
import { openOrtMatmul, ortVersion, runOrtWeb, transposeToKN } from './ort-web-matmul.ts';
import { PAGE_API_GLOBAL, type BenchPageApi, type MatmulBenchReply, type MatmulBenchRequest, type MatmulCheckReply, type ShapeTiming } from './protocol.ts';

let runtime: Promise<Runtime> | null = null;

function ourRuntime(): Promise<Runtime> {
  runtime ??= acquireGpu().then((gpu) => new Runtime(gpu));
  return runtime;
}

function status(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
  console.log(text);
}

/**
 * The same problem for every contender: x[M, K] and W[N, K] are the mulberry32 streams with seeds 1 and 2
 * (those bench/matmul.ts uses in Node); onnxruntime gets B = Wᵀ. Our formats and onnxruntime are timed
 * interleaved; when onnxruntime cannot run, ours are still timed.
 */
async function timeShape(rt: Runtime, shape: MatmulBenchRequest['shapes'][number], reps: number): Promise<ShapeTiming> {
  const { M, K, N } = shape;
  const x = randomArray(M * K, 1);
  const w = randomArray(N * K, 2);
  const contenders: Contender[] = [];
  let ortError: string | null = null;
  try {
    for (const dtype of shape.dtypes) contenders.push(ourMatmul(rt, x, w, M, K, N, dtype));
    try {
      contenders.push(await openOrtMatmul(x, transposeToKN(w, N, K), M, K, N));
    } catch (error) {
      ortError = error instanceof Error ? error.message : String(error);
    }
    status(`M=${M} K=${K} N=${N}: ours ${shape.dtypes.join('/')}${ortError ? '' : ' and onnxruntime-web'}, ${reps} runs each ...`);
    const ms = await medianMsInterleaved(contenders, reps);
    return {
      M, K, N,
      ours: shape.dtypes.map((dtype, i) => ({ dtype, ms: ms[i] })),
      ort: ortError === null ? { ms: ms[shape.dtypes.length] } : { error: ortError },
    };
  } finally {
    for (const c of contenders) await c.close();
  }
}

async function runMatmulBench(request: MatmulBenchRequest): Promise<MatmulBenchReply> {
  if (!Number.isInteger(request.reps) || request.reps < 1) throw new Error(`runMatmulBench: reps must be a positive integer, got ${request.reps}`);
  const rt = await ourRuntime();
  const shapes: ShapeTiming[] = [];
  for (const shape of request.shapes) shapes.push(await timeShape(rt, shape, request.reps));
  status('done');
  return { adapter: rt.gpu.info.description, ortVersion: ortVersion(), shapes };
}

/** The weights our kernel really multiplies by: quantization is lossy, so q8/q4 are checked against their own dequantization. */
function effectiveWeights(w: Float32Array, N: number, K: number, dtype: WeightDtype): Float32Array {
  if (dtype === 'q8') return dequantize(quantizeQ8(w, N, K));
  if (dtype === 'q4') return dequantize(quantizeQ4(w, N, K));
  return w;
}

async function ourProduct(rt: Runtime, x: Float32Array, w: Float32Array, M: number, K: number, N: number, dtype: WeightDtype): Promise<Float32Array> {
  const weight = uploadWeight(rt, w, N, K, dtype);
  const xt = rt.tensor([M, K], x);
  try {
    const y = matmul(rt, xt, weight, M);
    const values = await rt.readTensor(y);
    rt.release(y);
    return values;
  } finally {
    rt.release(xt);
    destroyWeight(weight);
  }
}

async function checkMatmul({ M, K, N }: { M: number; K: number; N: number }): Promise<MatmulCheckReply> {
  const rt = await ourRuntime();
  const x = randomArray(M * K, 11);
  const w = randomArray(N * K, 12);
  const reference = matmulRef(x, w, M, K, N);
  const ours = {} as Record<WeightDtype, number>;
  for (const dtype of ['f32', 'q8', 'q4'] as const) {
    const expected = dtype === 'f32' ? reference : matmulRef(x, effectiveWeights(w, N, K, dtype), M, K, N);
    ours[dtype] = maxAbsDiff(await ourProduct(rt, x, w, M, K, N, dtype), expected);
  }
  const ort = maxAbsDiff(await runOrtWeb(x, transposeToKN(w, N, K), M, K, N), reference);
  return { adapter: rt.gpu.info.description, ours, ort, maxAbsReference: maxAbsDiff(reference, new Float32Array(reference.length)) };
}

async function runSmallModelBench(request: SmallModelRequest): Promise<SmallModelReport> {
  const rt = await ourRuntime();
  status('tiny-math scale: training steps and batch-64 decoding ...');
  const report = await measureSmallModel(rt, request, status);
  status('done');
  return report;
}

const api: BenchPageApi = { runMatmulBench, checkMatmul, runSmallModelBench };
(globalThis as unknown as Record<string, BenchPageApi>)[PAGE_API_GLOBAL] = api;
status('ready');
