// Training throughput (forward + backward + AdamW update) on a random Llama of the lab's shapes, for LoRA on a
// frozen base and for full-parameter training; the FLOP/s a step achieves against our best matmul's FLOP/s
// measured in the same run on the same adapter (goal ≥ 0.5); and the GPU memory a step holds at its peak.
import { parseConfig, type ModelConfig } from '../src/engine/files/config.ts';
import { acquireGpu } from '../src/engine/gpu.ts';
import { GpuModel } from '../src/engine/model/gpu-model.ts';
import { attachLora, uploadCheckpoint } from '../src/engine/model/gpu-weights.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { AdamW } from '../src/engine/kernels/adamw.ts';
import { initLora } from '../src/engine/train/lora-init.ts';
import { Rng } from '../src/util/random.ts';
import { TrainableModel, type TrainBatch, type TrainMode } from '../src/engine/train/trainable.ts';
import { randomWeights } from '../src/engine/train/weights-io.ts';
import { measureOurs } from './matmul.ts';
import { round } from './report.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['training'];

function benchConfig(quick: boolean): ModelConfig {
  return parseConfig(JSON.stringify({
    architectures: ['LlamaForCausalLM'], model_type: 'llama',
    hidden_size: 512, intermediate_size: 1536, num_hidden_layers: quick ? 2 : 4,
    num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 2048,
    rms_norm_eps: 1e-6, rope_theta: 10000, max_position_embeddings: 2048, tie_word_embeddings: false,
  }), 'bench model config');
}

/** B sequences of T random tokens; every position but the last predicts the next token. */
function randomBatch(config: ModelConfig, B: number, T: number, seed: number): TrainBatch {
  const rng = new Rng(seed);
  const tokens = Array.from({ length: B * T }, () => Math.floor(rng.next() * config.vocabSize));
  const rows: number[] = [];
  const targets: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) {
      rows.push(b * T + t);
      targets.push(tokens[b * T + t + 1]);
    }
  }
  return { B, T, tokens, rows, targets };
}

/**
 * Multiply-add FLOPs of one training step. Forward: 2·N·(linear weights) + 2·M·H·V (head, M target rows)
 * + 2·B·T²·nH·d (causal attention: QKᵀ and PV over half the T² pairs). Backward: the input gradients cost
 * as much again (attention's backward counted as twice its forward); full training adds the weight gradients.
 */
function stepFlops(c: ModelConfig, batch: TrainBatch, mode: TrainMode): number {
  const N = batch.B * batch.T;
  const M = batch.rows.length;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const linearWeights = c.numLayers * (c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize);
  const linear = 2 * N * linearWeights + 2 * M * c.hiddenSize * c.vocabSize;
  const attention = c.numLayers * 2 * batch.B * batch.T * batch.T * q;
  return mode === 'full' ? 3 * linear + 3 * attention : 2 * linear + 3 * attention;
}

/** Wraps device.createBuffer / GPUBuffer.destroy to follow the bytes alive on the device and their peak. */
function trackMemory(device: GPUDevice): { live: () => number; peak: () => number; resetPeak: () => void } {
  let live = 0;
  let peak = 0;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = create(descriptor);
    live += descriptor.size;
    peak = Math.max(peak, live);
    const destroy = buffer.destroy.bind(buffer);
    let alive = true;
    buffer.destroy = () => {
      if (alive) live -= descriptor.size;
      alive = false;
      destroy();
    };
    return buffer;
  };
  return { live: () => live, peak: () => peak, resetPeak: () => (peak = live) };
}

async function measureStep(rt: Runtime, config: ModelConfig, mode: TrainMode, batch: TrainBatch, reps: number, memory: ReturnType<typeof trackMemory>) {
  const weights = await uploadCheckpoint(rt, config, 'f32', randomWeights(config, 1));
  if (mode === 'lora') attachLora(rt, config, weights, initLora(config, { r: 8, alpha: 16, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], dropout: 0 }, 1));
  const model = new TrainableModel(rt, config, weights, mode);
  const optimizer = new AdamW(rt, model.parameters.map((p) => p.value));
  const g = rt.tensor([batch.rows.length], new Float32Array(batch.rows.length).fill(-1 / batch.rows.length));
  const step = () => {
    model.zeroGrads();
    const { logp, tape } = model.forward(batch, { keepTape: true });
    model.backward(tape, g);
    rt.release(logp);
    optimizer.record(model.parameters.map((p) => p.grad), 1e-4);
  };
  step(); // warm-up: compiles the pipelines and fills the buffer pool
  await rt.sync();
  memory.resetPeak();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    await rt.sync();
    times.push(performance.now() - t0);
  }
  const peakBytes = memory.peak();
  const seconds = times.sort((a, b) => a - b)[times.length >> 1] / 1000;
  optimizer.dispose();
  for (const p of model.parameters) rt.release(p.grad);
  new GpuModel(rt, config, weights).dispose(); // frees the weights
  rt.release(g);
  rt.trimPool();
  return { seconds, peakBytes };
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const gpu = await acquireGpu();
  const memory = trackMemory(gpu.device);
  const rt = new Runtime(gpu);
  const config = benchConfig(ctx.quick);
  const batch = randomBatch(config, 8, 64, 2);
  const tokens = batch.B * batch.T;
  const reps = ctx.quick ? 3 : 5;
  const shape = `llama h${config.hiddenSize} i${config.intermediateSize} L${config.numLayers} V${config.vocabSize}, ${batch.B}×${batch.T} tokens`;
  // our best matmul at a training-like shape: the step's tokens through the MLP's up projection
  const matmulMs = await measureOurs(rt, { M: tokens, K: 512, N: 1536 }, 'f32', reps);
  const matmulGflops = (2 * tokens * 512 * 1536) / (matmulMs * 1e6);
  const rows: BenchRow[] = [];
  try {
    for (const mode of ['lora', 'full'] as const) {
      const { seconds, peakBytes } = await measureStep(rt, config, mode, batch, reps, memory);
      const gflops = stepFlops(config, batch, mode) / seconds / 1e9;
      const label = mode === 'lora' ? 'LoRA r8 q/k/v/o' : 'full';
      rows.push({ group: 'training', name: `${label} tokens/s (${shape})`, value: round(tokens / seconds), unit: 'tokens/s',
        note: `step ${round(seconds * 1000)} ms, peak GPU memory ${round(peakBytes / 2 ** 20)} MiB` });
      rows.push({ group: 'training', name: `${label} step GFLOP/s vs our matmul M=${tokens} K=512 N=1536`, value: round(gflops), unit: 'GFLOP/s',
        baseline: { name: 'our f32 matmul, same run', value: round(matmulGflops) }, note: 'goal: ratio ≥ 0.5' });
      rows.push({ group: 'training', name: `${label} peak GPU memory of a step`, value: round(peakBytes / 2 ** 20), unit: 'MiB' });
    }
  } finally {
    rt.trimPool();
    gpu.destroy();
  }
  return rows;
}
