// Generation with sampling on the GPU (the default on the GPU decoder) against sampling on the CPU from read-back
// logits: the same tokens for the same seed (both follow reference/sampling.ts), and one command buffer and one
// read-back per decode step, also on steps where finished rows are dropped from the cache.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedWeightShapes } from '../../../src/engine/files/weight-names.ts';
import { generateBatch, type GenerateOptions, type GenerationContext } from '../../../src/engine/model/generate.ts';
import { GpuModel } from '../../../src/engine/model/gpu-model.ts';
import { uploadCheckpoint } from '../../../src/engine/model/gpu-weights.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';

const PROMPTS = [[1, 40, 41, 42, 43, 44, 45], [1, 60], [1, 70, 71, 72]];

async function tinyModel(): Promise<GpuModel> {
  const dir = await mkdtemp(join(tmpdir(), 'gpu-sampling-'));
  const m = await writeTinyModel(dir, { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 31 });
  const rt = await testRuntime();
  const shapes = expectedWeightShapes(m.config);
  const stream = [...m.tensors].map(([name, data]) => ({ name, shape: shapes.get(name)!, data }));
  return new GpuModel(rt, m.config, await uploadCheckpoint(rt, m.config, 'f32', stream));
}

/** Runs generation and records the runtime's submits and read-backs between consecutive steps. */
async function run(ctx: GenerationContext, options: GenerateOptions) {
  const rt = (ctx.decoder as GpuModel).rt;
  const perStep: { submits: number; reads: number; active: number }[] = [];
  let last = { submits: 0, reads: 0 };
  const out = await generateBatch(ctx, PROMPTS, options, (p) => {
    const now = { submits: rt.submitCount, reads: rt.readCount };
    if (p.step > 0) perStep.push({ submits: now.submits - last.submits, reads: now.reads - last.reads, active: p.active });
    last = now;
  });
  return { tokens: out.map((r) => r.map((g) => g.tokens)), reasons: out.flatMap((r) => r.map((g) => g.finishReason)), perStep };
}

describe('sampling on the GPU', () => {
  it('gives the tokens of CPU sampling, greedy and with temperature / top-p, with rows ending early', { timeout: 120_000 }, async () => {
    const model = await tinyModel();
    const ctx = (eos: number[]): GenerationContext => ({ decoder: model, eosTokenIds: eos, decode: (ids) => ids.join(' ') });
    for (const sampling of [{ temperature: 0 }, { temperature: 1, topP: 1 }, { temperature: 0.8, topP: 0.9 }]) {
      const base: GenerateOptions = { ...sampling, n: 3, maxNewTokens: 10, seed: 5 };
      // an EOS the samples emit midway, so rows finish at different steps and the cache is compacted
      const free = await run(ctx([]), base);
      const eos = free.tokens[0][0][3];
      const device = await run(ctx([eos]), { ...base, sampleOnDevice: true });
      const host = await run(ctx([eos]), { ...base, sampleOnDevice: false });
      expect(device.tokens, JSON.stringify(sampling)).toEqual(host.tokens);
      expect(device.reasons).toContain('eos');
      expect(device.reasons).toContain('length');
      expect(new Set(device.perStep.map((s) => s.active)).size).toBeGreaterThan(1); // rows were dropped
      for (const counts of [device.perStep, host.perStep]) {
        for (const s of counts) expect({ submits: s.submits, reads: s.reads }).toEqual({ submits: 1, reads: 1 });
      }
    }
  });
});
