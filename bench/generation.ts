// Generation and prefill throughput of the GPU model on a random Llama of the lab's shapes (built in
// memory), with the ceiling implied by our own matmul speed measured in the same run:
// tokens/s ≤ matmul GFLOP/s ÷ FLOPs per token (2 · the linear layers' weights, lm_head included).
import { parseConfig, type ModelConfig } from '../src/engine/files/config.ts';
import { acquireGpu } from '../src/engine/gpu.ts';
import { generateBatch } from '../src/engine/model/generate.ts';
import { GpuModel } from '../src/engine/model/gpu-model.ts';
import { uploadCheckpoint } from '../src/engine/model/gpu-weights.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { randomWeights } from '../src/engine/train/weights-io.ts';
import { measureOurs } from './matmul.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['generation'];

function benchConfig(quick: boolean): ModelConfig {
  return parseConfig(JSON.stringify({
    architectures: ['LlamaForCausalLM'], model_type: 'llama',
    hidden_size: 512, intermediate_size: 1536, num_hidden_layers: quick ? 2 : 6,
    num_attention_heads: 8, num_key_value_heads: 4, vocab_size: quick ? 2048 : 4096,
    rms_norm_eps: 1e-6, rope_theta: 10000, max_position_embeddings: 2048, tie_word_embeddings: false,
    bos_token_id: 1, eos_token_id: 2,
  }), 'bench model config');
}

/** 2 · (weights of every linear layer and the lm_head): multiply-adds per token, as FLOPs. */
function flopsPerToken(c: ModelConfig): number {
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const perLayer = c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize;
  return 2 * (c.numLayers * perLayer + c.vocabSize * c.hiddenSize);
}

async function timed(rt: Runtime, run: () => Promise<unknown> | void): Promise<number> {
  await rt.sync();
  const t0 = performance.now();
  await run();
  await rt.sync();
  return (performance.now() - t0) / 1000;
}

/** Our matmul's GFLOP/s for x: [M, 512] · W[1536, 512]ᵀ, the MLP's up projection (bench/matmul.ts's measurement). */
async function matmulGflops(rt: Runtime, M: number, reps: number): Promise<number> {
  const ms = await measureOurs(rt, { M, K: 512, N: 1536 }, 'f32', reps);
  return (2 * M * 512 * 1536) / (ms * 1e6);
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rt = new Runtime(await acquireGpu());
  const config = benchConfig(ctx.quick);
  const model = new GpuModel(rt, config, await uploadCheckpoint(rt, config, 'f32', randomWeights(config, 1)));
  const flops = flopsPerToken(config);
  const shape = `llama h${config.hiddenSize} i${config.intermediateSize} L${config.numLayers} V${config.vocabSize}, f32`;
  const rows: BenchRow[] = [];
  const newTokens = ctx.quick ? 4 : 16;
  const promptLength = 16;
  const prompt = (i: number) => Array.from({ length: promptLength }, (_, t) => 3 + ((i * 7 + t * 13) % (config.vocabSize - 3)));
  const gen = { decoder: model, eosTokenIds: [] as number[], decode: (ids: number[]) => ids.join(' ') };

  await generateBatch(gen, [prompt(0)], { n: 2, maxNewTokens: 2 }); // compiles the pipelines
  for (const batch of [1, 8, 64]) {
    const prompts = Array.from({ length: batch }, (_, i) => prompt(i));
    // decode time: from the first sampled token (prefill done) to the end
    let decodeStart = 0;
    const seconds = await timed(rt, () => generateBatch(gen, prompts, { n: 1, maxNewTokens: newTokens, temperature: 0.7, seed: 1 }, (p) => {
      if (p.step === 0) decodeStart = performance.now();
    }));
    const decodeSeconds = (performance.now() - decodeStart) / 1000;
    const gflops = await matmulGflops(rt, batch, ctx.quick ? 3 : 10);
    rows.push({
      group: 'generation', name: `${shape}, batch ${batch}, decode`,
      value: (batch * (newTokens - 1)) / decodeSeconds, unit: 'tokens/s',
      baseline: { name: 'limit implied by our matmul (goal: within 2x)', value: (gflops * 1e9) / flops },
      note: `${newTokens - 1} decode steps after a ${promptLength}-token prefill (whole call ${seconds.toFixed(2)} s); ` +
        `matmul M=${batch} K=512 N=1536 at ${gflops.toFixed(2)} GFLOP/s ⇒ ≤ ${((gflops * 1e9) / flops).toFixed(1)} tokens/s at ${(flops / 1e6).toFixed(1)} MFLOP/token`,
    });
  }

  const P = 8;
  const T = ctx.quick ? 32 : 128;
  const long = Array.from({ length: P }, (_, i) => Array.from({ length: T }, (_, t) => 3 + ((i * 11 + t * 5) % (config.vocabSize - 3))));
  const prefill = async () => (await model.start(long, 1, T)).dispose();
  await prefill();
  const seconds = await timed(rt, prefill);
  const gflops = await matmulGflops(rt, P * T, ctx.quick ? 2 : 5);
  rows.push({
    group: 'generation', name: `${shape}, prefill ${P} × ${T} tokens`,
    value: (P * T) / seconds, unit: 'tokens/s',
    baseline: { name: 'limit implied by our matmul', value: (gflops * 1e9) / flops },
    note: `matmul M=${P * T} K=512 N=1536 runs at ${gflops.toFixed(2)} GFLOP/s ⇒ ≤ ${((gflops * 1e9) / flops).toFixed(1)} tokens/s (attention not counted)`,
  });
  model.dispose();
  rt.gpu.destroy();
  return rows;
}
