import { describe, expect, it } from 'vitest';
import { builtinEmbedder } from '../../src/embed/builtin.ts';
import { EmbedService, type EmbedProgress } from '../../src/embed/service.ts';
import { createEmbedder, type EmbedderSpec } from '../../src/embed/spec.ts';

describe('EmbedService (what the embed worker runs)', () => {
  it('loads the built-in embedder and returns vectors packed [n, dim], with progress per batch', async () => {
    const service = new EmbedService();
    expect(service.info()).toBeNull();
    expect(await service.load({ kind: 'builtin', dim: 16 })).toEqual({ name: 'builtin:hashed-char-ngrams/16', dim: 16, device: 'js' });
    const texts = Array.from({ length: 150 }, (_, i) => `text ${i % 7} number ${i}`);
    const events: EmbedProgress[] = [];
    const packed = await service.embed(texts, (p) => events.push(p));
    expect(packed.length).toBe(150 * 16);
    const direct = await builtinEmbedder({ dim: 16 }).embed(texts);
    direct.forEach((v, i) => expect(Array.from(packed.subarray(i * 16, i * 16 + 16))).toEqual(Array.from(v)));
    expect(events).toEqual([
      { done: 0, total: 150 },
      { done: 64, total: 150 },
      { done: 128, total: 150 },
      { done: 150, total: 150 },
    ]);
  });

  it('refuses to embed before a load, and bad texts', async () => {
    const service = new EmbedService();
    await expect(service.embed(['a'])).rejects.toThrow('embed worker: no embedder loaded (call load first)');
    await service.load({ kind: 'builtin' });
    await expect(service.embed([1 as unknown as string])).rejects.toThrow('embed worker: texts must be an array of strings');
  });

  it('names an unknown embedder kind', async () => {
    await expect(createEmbedder({ kind: 'word2vec' } as unknown as EmbedderSpec)).rejects.toThrow('embedder spec: kind must be "builtin" or "transformers", got "word2vec"');
  });
});
