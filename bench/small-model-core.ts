// The lab's own scale, measured the same way in Node (lavapipe) and in Chromium (SwiftShader, bench/browser/):
// a LoRA-DPO step (the loop's defaults: 8 pairs, r 8, α 16 on q/k/v/o) and a full-parameter SFT step on a
// random Llama of tiny-math's shapes, each as a share of our matmul's FLOP/s at the step's own matmul shapes;
// batch-64 decoding against the tokens/s our matmul alone would allow; and the dispatches, command buffers and
// read-backs per training step and per decode step (counted by the Runtime).
// No Node or DOM imports: the page runs this file as it is.
import { parseConfig, type ModelConfig } from '../src/engine/files/config.ts';
import { AdamW } from '../src/engine/kernels/adamw.ts';
import { matmul } from '../src/engine/kernels/matmul.ts';
import { generateBatch } from '../src/engine/model/generate.ts';
import { GpuModel } from '../src/engine/model/gpu-model.ts';
import { attachLora, uploadCheckpoint, type GpuWeights } from '../src/engine/model/gpu-weights.ts';
import type { Runtime } from '../src/engine/runtime.ts';
import { accumulateDpoGradients, referenceLogps } from '../src/engine/train/dpo.ts';
import type { DpoPair, SftExample } from '../src/engine/train/examples.ts';
import { initLora } from '../src/engine/train/lora-init.ts';
import { accumulateSftGradients } from '../src/engine/train/sft.ts';
import { TrainableModel, type TrainMode } from '../src/engine/train/trainable.ts';
import { randomWeights } from '../src/engine/train/weights-io.ts';
import { destroyWeight, uploadWeight } from '../src/engine/weights.ts';
import { Rng, uniformArray } from '../src/util/random.ts';
import { median } from './median.ts';
import type { BenchRow } from './types.ts';

/**
 * The clock every figure is timed with, in milliseconds: the wall clock by default; in Node the process's CPU time
 * can be passed instead (lavapipe runs in the process), which holds up better on a machine shared with other work.
 */
let now: () => number = () => performance.now();

/** What the measurement needs: the model's config.json text and how many timed repetitions. */
export interface SmallModelRequest {
  configText: string;
  reps: number;
  /** new tokens per decoded row */
  decodeTokens: number;
  /** measure only batch-64 decoding (no training steps) */
  decodeOnly?: boolean;
}

/** Counts of one unit of work (a training step, a decode step). */
export interface WorkCounts {
  dispatches: number;
  submits: number;
  reads: number;
}

export interface StepTiming {
  /** median seconds of one optimizer step */
  seconds: number;
  /** multiply-add FLOPs of the step (stepFlops) */
  flops: number;
  /** padded tokens (B·T) and target (response) tokens of the step */
  tokens: number;
  targets: number;
  /** FLOP-weighted GFLOP/s of our matmul at the step's forward matmul shapes */
  matmulGflops: number;
  counts: WorkCounts;
  shape: string;
}

export interface DecodeTiming {
  batch: number;
  /** sampling on the GPU, token ids read back (the default) */
  tokensPerSecond: number;
  /** batch / (summed time of our matmul at every linear shape of one decode step) */
  matmulLimit: number;
  matmulGflops: number;
  /** per decode step (one new token for every row) */
  counts: WorkCounts;
  /** bytes read back per decode step */
  readBytes: number;
  /** the same decoding with every row's logits read back and sampled on the CPU (sampleOnDevice: false), same run */
  cpuSampling: { tokensPerSecond: number; counts: WorkCounts; readBytes: number };
  steps: number;
}

export interface SmallModelReport {
  adapter: string;
  model: string;
  /** absent when only decoding was measured */
  lora?: StepTiming;
  full?: StepTiming;
  decode: DecodeTiming;
}

// the lab's DPO defaults (src/loop/config.ts): 8 pairs per step in one pass, LoRA r 8, α 16 on q/k/v/o, β 0.1
const DPO_PAIRS = 8;
const LORA = { r: 8, alpha: 16, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const, dropout: 0 };
const SFT_EXAMPLES = 16;
// curriculum-like lengths (tiny-math's training data: median prompt 50, completion 74 tokens)
const PROMPT_TOKENS = 48;
const ANSWER_TOKENS = 80;
const DECODE_BATCH = 64;

export function modelName(c: ModelConfig): string {
  return `h${c.hiddenSize} i${c.intermediateSize} L${c.numLayers} ${c.numHeads}/${c.numKvHeads} heads V${c.vocabSize}`;
}

function randomTokens(rng: Rng, n: number, V: number): number[] {
  return Array.from({ length: n }, () => 3 + Math.floor(rng.next() * (V - 3)));
}

/**
 * Multiply-add FLOPs of one step over B rows of T tokens with M targets. Forward: 2·N·(linear weights) + 2·M·H·V
 * (head) + 2·B·T²·nH·d (causal attention: QKᵀ and PV over half the T² pairs). Backward: the input gradients cost
 * as much again (attention's backward counted as twice its forward); full training adds the weight gradients.
 * LoRA's own products (rank 8) are left out. (bench/training.ts counts the same way.)
 */
export function stepFlops(c: ModelConfig, B: number, T: number, M: number, mode: TrainMode): number {
  const N = B * T;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const linearWeights = c.numLayers * (c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize);
  const linear = 2 * N * linearWeights + 2 * M * c.hiddenSize * c.vocabSize;
  const attention = c.numLayers * 2 * B * T * T * q;
  return mode === 'full' ? 3 * linear + 3 * attention : 2 * linear + 3 * attention;
}

/** The [rows, in → out] products of one forward pass: every linear layer over N rows, the head over M rows. */
export function forwardMatmuls(c: ModelConfig, N: number, M: number): { M: number; K: number; N: number; count: number }[] {
  const H = c.hiddenSize;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const L = c.numLayers;
  return [
    { M: N, K: H, N: q, count: L }, // q_proj
    { M: N, K: H, N: kv, count: 2 * L }, // k_proj, v_proj
    { M: N, K: q, N: H, count: L }, // o_proj
    { M: N, K: H, N: c.intermediateSize, count: 2 * L }, // gate_proj, up_proj
    { M: N, K: c.intermediateSize, N: H, count: L }, // down_proj
    { M, K: H, N: c.vocabSize, count: 1 }, // lm_head
  ];
}

/** The least a timed run of products lasts: runs of a few milliseconds (M = 64) timed on the CPU clock came out up
 * to 2x apart between repetitions. */
const MIN_RUN_MS = 100;

/**
 * Median milliseconds of one y = x·Wᵀ (f32 weights) at this shape, timed as `inner` products recorded back to back
 * and submitted together (so the figure is the kernel's, not one submit's round trip); `inner` grows until a run
 * lasts MIN_RUN_MS.
 */
export async function matmulMs(rt: Runtime, M: number, K: number, N: number, reps: number, inner = 16): Promise<number> {
  const w = uploadWeight(rt, uniformArray(N * K, 2), N, K, 'f32');
  const x = rt.tensor([M, K], uniformArray(M * K, 1));
  const y = rt.tensor([M, N]);
  try {
    const run = async () => {
      for (let i = 0; i < inner; i++) matmul(rt, x, w, M, { out: y });
      await rt.sync();
    };
    await run();
    const t0 = now();
    await run();
    const first = now() - t0;
    if (first < MIN_RUN_MS) inner = Math.ceil((inner * MIN_RUN_MS) / Math.max(first, 1));
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = now();
      await run();
      times.push((now() - t0) / inner);
    }
    return median(times);
  } finally {
    destroyWeight(w);
    rt.release(x);
    rt.release(y);
  }
}

/** Seconds our matmul takes for all of a forward pass's products, and their FLOP-weighted GFLOP/s. */
async function matmulBudget(rt: Runtime, c: ModelConfig, N: number, M: number, reps: number): Promise<{ seconds: number; gflops: number }> {
  let seconds = 0;
  let flops = 0;
  for (const s of forwardMatmuls(c, N, M)) {
    seconds += (s.count * (await matmulMs(rt, s.M, s.K, s.N, reps))) / 1000;
    flops += s.count * 2 * s.M * s.K * s.N;
  }
  return { seconds, gflops: flops / seconds / 1e9 };
}

function counter(rt: Runtime): () => WorkCounts {
  const start = { dispatches: rt.dispatchCount, submits: rt.submitCount, reads: rt.readCount };
  return () => ({ dispatches: rt.dispatchCount - start.dispatches, submits: rt.submitCount - start.submits, reads: rt.readCount - start.reads });
}

async function freshWeights(rt: Runtime, c: ModelConfig, mode: TrainMode): Promise<GpuWeights> {
  const weights = await uploadCheckpoint(rt, c, 'f32', randomWeights(c, 1));
  if (mode === 'lora') attachLora(rt, c, weights, initLora(c, { ...LORA, targetModules: [...LORA.targetModules] }, 1));
  return weights;
}

/** Times `reps` optimizer steps as the training loop runs them (zero, accumulate, AdamW with its stats read back, trim). */
async function timeSteps(rt: Runtime, model: TrainableModel, reps: number, accumulate: () => Promise<unknown>): Promise<{ seconds: number; counts: WorkCounts }> {
  const optimizer = new AdamW(rt, model.parameters.map((p) => p.value));
  const step = async () => {
    model.zeroGrads();
    await accumulate();
    optimizer.record(model.parameters.map((p) => p.grad), 1e-4);
    await optimizer.readStats();
    rt.trimIdle();
  };
  try {
    await step(); // warm-up: compiles the pipelines and fills the buffer pool
    const times: number[] = [];
    let counts: WorkCounts = { dispatches: 0, submits: 0, reads: 0 };
    for (let i = 0; i < reps; i++) {
      const count = counter(rt);
      const t0 = now();
      await step();
      times.push((now() - t0) / 1000);
      counts = count(); // every step records the same work
    }
    return { seconds: median(times), counts };
  } finally {
    optimizer.dispose();
  }
}

function disposeModel(rt: Runtime, c: ModelConfig, model: TrainableModel): void {
  for (const p of model.parameters) rt.release(p.grad);
  new GpuModel(rt, c, model.weights).dispose(); // frees the weights
  rt.trimPool();
}

/** A LoRA-DPO step: 8 pairs of a 48-token prompt and two 80-token answers, reference log-probs computed before. */
async function loraDpoStep(rt: Runtime, c: ModelConfig, reps: number): Promise<StepTiming> {
  const rng = new Rng(3);
  const pairs: DpoPair[] = Array.from({ length: DPO_PAIRS }, (_, i) => ({
    line: i + 1,
    prompt: randomTokens(rng, PROMPT_TOKENS, c.vocabSize),
    chosen: randomTokens(rng, ANSWER_TOKENS, c.vocabSize),
    rejected: randomTokens(rng, ANSWER_TOKENS, c.vocabSize),
  }));
  const model = new TrainableModel(rt, c, await freshWeights(rt, c, 'lora'), 'lora');
  try {
    const reference = await referenceLogps(model, pairs, DPO_PAIRS);
    const { seconds, counts } = await timeSteps(rt, model, reps, () => accumulateDpoGradients(model, pairs, reference, { beta: 0.1, microBatch: DPO_PAIRS }));
    const B = 2 * DPO_PAIRS;
    const T = PROMPT_TOKENS + ANSWER_TOKENS - 1;
    const M = B * ANSWER_TOKENS;
    const mm = await matmulBudget(rt, c, B * T, M, reps);
    return { seconds, flops: stepFlops(c, B, T, M, 'lora'), tokens: B * T, targets: M, matmulGflops: mm.gflops, counts, shape: `${DPO_PAIRS} pairs, ${B}×${T} tokens` };
  } finally {
    disposeModel(rt, c, model);
  }
}

/** A full-parameter SFT step: 16 examples of a 48-token prompt and an 80-token completion. */
async function fullSftStep(rt: Runtime, c: ModelConfig, reps: number): Promise<StepTiming> {
  const rng = new Rng(4);
  const examples: SftExample[] = Array.from({ length: SFT_EXAMPLES }, (_, i) => ({
    line: i + 1, prompt: randomTokens(rng, PROMPT_TOKENS, c.vocabSize), response: randomTokens(rng, ANSWER_TOKENS, c.vocabSize),
  }));
  const model = new TrainableModel(rt, c, await freshWeights(rt, c, 'full'), 'full');
  try {
    const { seconds, counts } = await timeSteps(rt, model, reps, () => accumulateSftGradients(model, examples, SFT_EXAMPLES));
    const B = SFT_EXAMPLES;
    const T = PROMPT_TOKENS + ANSWER_TOKENS - 1;
    const M = B * ANSWER_TOKENS;
    const mm = await matmulBudget(rt, c, B * T, M, reps);
    return { seconds, flops: stepFlops(c, B, T, M, 'full'), tokens: B * T, targets: M, matmulGflops: mm.gflops, counts, shape: `${B}×${T} tokens` };
  } finally {
    disposeModel(rt, c, model);
  }
}

/**
 * Batch-64 decoding (temperature 0.7) after a 48-token prefill, timed from the first sampled token; sampling on the
 * GPU (token ids read back) and on the CPU (logits read back) alternate, same prompts and seeds.
 */
async function decode(rt: Runtime, c: ModelConfig, reps: number, newTokens: number): Promise<DecodeTiming> {
  const model = new GpuModel(rt, c, await uploadCheckpoint(rt, c, 'f32', randomWeights(c, 1)));
  const rng = new Rng(5);
  const prompts = Array.from({ length: DECODE_BATCH }, () => randomTokens(rng, PROMPT_TOKENS, c.vocabSize));
  const gen = { decoder: model, eosTokenIds: [] as number[], decode: (ids: number[]) => ids.join(' ') };
  const steps = newTokens - 1;
  const timeOnce = async (sampleOnDevice: boolean, seed: number) => {
    let t0 = 0;
    let count = counter(rt);
    let bytes0 = rt.readBytes;
    await generateBatch(gen, prompts, { maxNewTokens: newTokens, temperature: 0.7, seed, sampleOnDevice }, (p) => {
      if (p.step === 0) {
        t0 = now();
        count = counter(rt);
        bytes0 = rt.readBytes;
      }
    });
    const rate = (DECODE_BATCH * steps) / ((now() - t0) / 1000);
    const counts = count();
    return { rate, counts: { dispatches: counts.dispatches / steps, submits: counts.submits / steps, reads: counts.reads / steps }, readBytes: (rt.readBytes - bytes0) / steps };
  };
  try {
    // compiles the pipelines and fills the buffer pool and bind-group cache at the timed shapes, for both paths
    for (const sampleOnDevice of [true, false]) await generateBatch(gen, prompts, { maxNewTokens: 3, sampleOnDevice });
    const runs = { gpu: [] as Awaited<ReturnType<typeof timeOnce>>[], cpu: [] as Awaited<ReturnType<typeof timeOnce>>[] };
    for (let r = 0; r < Math.max(2, Math.ceil(reps / 2)); r++) {
      runs.gpu.push(await timeOnce(true, r + 1));
      runs.cpu.push(await timeOnce(false, r + 1));
    }
    const mm = await matmulBudget(rt, c, DECODE_BATCH, DECODE_BATCH, reps);
    const last = (xs: typeof runs.gpu) => xs[xs.length - 1]; // every run records the same work
    return {
      batch: DECODE_BATCH, tokensPerSecond: median(runs.gpu.map((x) => x.rate)), matmulLimit: DECODE_BATCH / mm.seconds, matmulGflops: mm.gflops,
      counts: last(runs.gpu).counts, readBytes: last(runs.gpu).readBytes,
      cpuSampling: { tokensPerSecond: median(runs.cpu.map((x) => x.rate)), counts: last(runs.cpu).counts, readBytes: last(runs.cpu).readBytes },
      steps,
    };
  } finally {
    model.dispose();
    rt.trimPool();
  }
}

/** Runs the three measurements; `log` hears when each starts (console.error in Node, console.log in the page). */
export async function measureSmallModel(
  rt: Runtime, request: SmallModelRequest, log: (line: string) => void = () => {}, clock?: () => number,
): Promise<SmallModelReport> {
  const c = parseConfig(request.configText, 'small-model bench config');
  now = clock ?? (() => performance.now());
  const t0 = performance.now();
  const stage = (name: string) => log(`  tiny-math scale: ${name} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  let lora: StepTiming | undefined;
  let full: StepTiming | undefined;
  if (!request.decodeOnly) {
    stage('LoRA-DPO step');
    lora = await loraDpoStep(rt, c, request.reps);
    stage('full-parameter step');
    full = await fullSftStep(rt, c, request.reps);
  }
  stage('batch-64 decoding');
  const decoded = await decode(rt, c, request.reps, request.decodeTokens);
  stage('done');
  return { adapter: rt.gpu.info.description, model: modelName(c), lora, full, decode: decoded };
}

const r3 = (x: number) => Number(x.toPrecision(3));

function countsNote(c: WorkCounts, per: string): string {
  return `${r3(c.dispatches)} dispatches, ${r3(c.submits)} command buffers, ${r3(c.reads)} read-backs per ${per}`;
}

/** Bench rows of a report; `where` names the environment, e.g. "Node, lavapipe"; `cpu`: timed on the process's CPU clock. */
export function smallModelRows(report: SmallModelReport, where: string, cpu = false): BenchRow[] {
  const group = `tiny-math scale (${where})`;
  const per = cpu ? '/CPU-s' : '/s';
  const clock = cpu ? 'timed in process CPU seconds (all figures, the matmul\'s included); ' : 'timed on the wall clock; ';
  const rows: BenchRow[] = [];
  for (const [label, t] of [['LoRA-DPO step', report.lora], ['full-parameter SFT step', report.full]] as const) {
    if (!t) continue;
    rows.push({
      group, name: `${label} (${report.model}; ${t.shape}) GFLOP/s vs our matmul at its shapes`,
      value: r3(t.flops / t.seconds / 1e9), unit: `GFLOP${per}`,
      baseline: { name: 'our f32 matmul at the step\'s forward shapes, same run', value: r3(t.matmulGflops) },
      note: `goal: ratio ≥ 0.5; ${clock}step ${r3(t.seconds * 1000)} ms, ${r3(t.tokens / t.seconds)} tokens${per} (${r3(t.targets / t.seconds)} response tokens${per}); ${countsNote(t.counts, 'step')}; adapter ${report.adapter}`,
    });
    rows.push({ group, name: `${label}: dispatches per step`, value: t.counts.dispatches, unit: 'dispatches', note: countsNote(t.counts, 'step') });
  }
  const d = report.decode;
  const h = d.cpuSampling;
  const bytes = (b: number) => `${r3(b)} bytes read back per decode step`;
  rows.push({
    group, name: `decode, batch ${d.batch} (${report.model}), sampling on the GPU`, value: r3(d.tokensPerSecond), unit: `tokens${per}`,
    baseline: { name: 'limit implied by our matmul (goal: within 2x)', value: r3(d.matmulLimit) },
    note: `${clock}${d.steps} decode steps; matmul at M=${d.batch} runs at ${r3(d.matmulGflops)} GFLOP${per} over the step's shapes; ${countsNote(d.counts, 'decode step')}, ${bytes(d.readBytes)}; adapter ${report.adapter}`,
  });
  rows.push({
    group, name: `decode, batch ${d.batch}, sampling on the CPU from read-back logits`, value: r3(h.tokensPerSecond), unit: `tokens${per}`,
    baseline: { name: 'limit implied by our matmul', value: r3(d.matmulLimit) },
    note: `the same decoding with sampleOnDevice: false, same run; ${countsNote(h.counts, 'decode step')}, ${bytes(h.readBytes)}`,
  });
  rows.push({
    group, name: `decode, batch ${d.batch}: dispatches per decoded token`, value: r3(d.counts.dispatches / d.batch), unit: 'dispatches',
    note: `sampling on the GPU: ${countsNote(d.counts, 'decode step')}, ${bytes(d.readBytes)}; on the CPU: ${countsNote(h.counts, 'decode step')}, ${bytes(h.readBytes)} (one token for each of ${d.batch} rows)`,
  });
  return rows;
}
