// The GPU buffer pool over a long training run with varied padded lengths: sizes are bucketed, and buffers
// idle through a whole step are freed at the step boundary, so the pool stays bounded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { nodeSource } from '../../../src/engine/files/source.ts';
import type { SftExample } from '../../../src/engine/train/examples.ts';
import { loadTrainable } from '../../../src/engine/train/load.ts';
import { runTrainingLoop } from '../../../src/engine/train/loop.ts';
import { accumulateSftGradients } from '../../../src/engine/train/sft.ts';
import { Rng } from '../../../src/util/random.ts';
import { testRuntime } from '../../helpers/gpu.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/torch-reference/qwen2-fixture-f32');
const CONFIG = parseConfig(readFileSync(join(FIXTURE, 'config.json'), 'utf8'));

describe('buffer pool', () => {
  it('rounds sizes up to a few buckets per octave, so nearby sizes share buffers', async () => {
    const rt = await testRuntime();
    const a = rt.buffer(1000);
    const size = a.size;
    rt.release(a);
    const b = rt.buffer(1010);
    expect(b).toBe(a);
    expect(size).toBeGreaterThanOrEqual(1010);
    expect(size).toBeLessThanOrEqual(1000 * 1.25 + 16);
    rt.release(b);
    rt.trimPool();
    expect(rt.pooledBuffers).toBe(0);
  });

  it('stays bounded over 16 full-training steps whose padded lengths all differ', async () => {
    const rt = await testRuntime();
    const { model } = await loadTrainable(nodeSource(FIXTURE), { mode: 'full', runtime: rt });
    const rng = new Rng(5);
    const token = () => 3 + Math.floor(rng.next() * (CONFIG.vocabSize - 3));
    // 16 batches of 2, each batch padded to its own length between 4 and 64
    const examples: SftExample[] = Array.from({ length: 32 }, (_, line) => {
      const length = 4 + ((line >> 1) * 4) + (line % 2);
      return { line, prompt: Array.from({ length: length >> 1 }, token), response: Array.from({ length: length - (length >> 1) }, token) };
    });
    const pooled: number[] = [];
    await runTrainingLoop(model, examples, { lr: 1e-3, epochs: 1, batch: 2, microBatch: 2, seed: 1 },
      (batch) => accumulateSftGradients(model, batch, 2), () => pooled.push(rt.pooledBuffers));
    console.log(`pooled buffers after each step: ${pooled.join(' ')}`);
    expect(pooled).toHaveLength(16);
    const early = Math.max(...pooled.slice(0, 4));
    expect(Math.max(...pooled.slice(4))).toBeLessThanOrEqual(1.5 * early);
  });
});
