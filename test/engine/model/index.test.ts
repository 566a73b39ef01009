// loadModel(): progress, string prompts, device choice and clear errors.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadModel, type LoadProgress } from '../../../src/engine/model/index.ts';
import { testRuntime } from '../../helpers/gpu.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';

async function tinyDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'model-index-'));
  await writeTinyModel(dir, { arch: 'llama', hidden: 32, layers: 1, heads: 4, kvHeads: 1, intermediate: 40, seed: 4, shards: 2 });
  return dir;
}

describe('loadModel', () => {
  it('reports progress phases in order and generates from text prompts the same on gpu and cpu', async () => {
    const dir = await tinyDir();
    const phases: LoadProgress['phase'][] = [];
    const gpu = await loadModel(nodeSource(dir), { runtime: await testRuntime(), onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe('config');
    expect(phases[phases.length - 1]).toBe('ready');
    expect(phases).toContain('weights');
    expect(phases.indexOf('tokenizer')).toBeLessThan(phases.indexOf('weights'));
    expect(gpu.device).toMatch(/^gpu/);
    const cpu = await loadModel(nodeSource(dir), { device: 'cpu' });
    expect(cpu.device).toMatch(/^cpu/);
    const options = { temperature: 0, maxNewTokens: 6, n: 2 };
    const prompts = ['Q: 2+2=', 'Hello'];
    const a = await gpu.generate(prompts, options);
    const b = await cpu.generate(prompts, options);
    expect(a).toEqual(b);
    expect(a.length).toBe(2);
    expect(a[0].length).toBe(2);
    // ids work as prompts too, and the text prompt was tokenized without special tokens
    const ids = gpu.tokenizer.encode('Q: 2+2=', { addSpecialTokens: false });
    expect((await gpu.generate([ids], options))[0]).toEqual(a[0]);
    gpu.dispose();
    cpu.dispose();
  });

  it('rejects an unknown dtype or device by name', async () => {
    const dir = await tinyDir();
    await expect(loadModel(nodeSource(dir), { dtype: 'q3' as 'q4' })).rejects.toThrow(/LoadOptions\.dtype must be f32, q8 or q4/);
    await expect(loadModel(nodeSource(dir), { device: 'tpu' as 'gpu' })).rejects.toThrow(/LoadOptions\.device must be gpu or cpu/);
  });
});
