// device 'webgpu' in Node: transformers.js on onnxruntime-node's WebGPU execution provider, on the same adapter
// the engine uses (acquireGpu first: it points the Vulkan loader at the software driver when there is no GPU,
// and onnxruntime's own Dawn reads that at its first session), against the CPU provider's vectors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/engine/gpu.ts';
import { transformersEmbedder } from '../../src/embed/transformers.ts';
import { maxAbsDiff } from '../helpers/gpu.ts';
import { writeTinyEncoder } from './tiny-encoder.ts';

const TEXTS = ['percent.basic; ratio.basic', 'fractions.basic', 'What is 35% of 1140?'];
let root = '';

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('transformersEmbedder on WebGPU in Node', () => {
  it('gives the CPU provider’s vectors', async () => {
    const gpu = await acquireGpu();
    gpu.destroy();
    root = await mkdtemp(join(tmpdir(), 'sai-dpo-encoder-gpu-'));
    await writeTinyEncoder(join(root, 'tiny-encoder'), { corpus: TEXTS, seed: 3 });
    const onGpu = await transformersEmbedder({ model: 'tiny-encoder', localModelPath: root, device: 'webgpu' });
    const onCpu = await transformersEmbedder({ model: 'tiny-encoder', localModelPath: root, device: 'wasm' });
    try {
      expect(onGpu.device).toBe('webgpu');
      const a = await onGpu.embed(TEXTS);
      const b = await onCpu.embed(TEXTS);
      a.forEach((v, i) => expect(maxAbsDiff(v, b[i])).toBeLessThan(1e-5));
    } finally {
      await onGpu.dispose();
      await onCpu.dispose();
    }
  }, 240_000);
});
