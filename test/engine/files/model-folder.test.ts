import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../src/engine/files/checkpoint.ts';
import { openModelFolder } from '../../../src/engine/files/model-folder.ts';
import { memoryCacheStore, nodeSource, urlSource } from '../../../src/engine/files/source.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';
import { serveFolders } from './serve-folder.ts';

describe('openModelFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-folder-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens the torch fixture (no generation_config.json)', async () => {
    const folder = await openModelFolder(nodeSource('test/fixtures/torch-reference/qwen2-fixture-bf16'));
    expect(folder.config).toMatchObject({ architecture: 'qwen2', numLayers: 2, vocabSize: 50 });
    expect(folder.generation).toEqual({ raw: {} });
    expect(folder.stopTokenIds).toEqual([2]);
    expect(folder.tokenizer.encode('1+1=2')).toEqual([19, 13, 19, 31, 20]);
  });

  it('opens a tiny model over HTTP and loads it again from the cache without a request', async () => {
    const path = join(dir, 'served');
    const written = await writeTinyModel(path, { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, seed: 11, dtype: 'BF16' });
    const server = await serveFolders({ '/tiny/': path });
    const store = memoryCacheStore();
    const load = async () => {
      const folder = await openModelFolder(urlSource(`${server.url}/tiny/`, { cache: store }));
      let values = 0;
      for await (const t of readCheckpoint(folder.source, undefined, { config: folder.config })) values += t.data.length;
      return { folder, values };
    };
    try {
      const first = await load();
      const requests = server.requests.length;
      expect(requests).toBeGreaterThan(0);
      expect(first.folder.config).toEqual(written.config);
      expect(first.folder.config.headDim).toBe(12);
      expect(first.folder.generation.maxNewTokens).toBe(64);
      expect(first.folder.stopTokenIds).toEqual([2]);
      expect(first.values).toBe([...written.tensors.values()].reduce((n, t) => n + t.length, 0));
      const second = await load();
      expect(server.requests.length).toBe(requests);
      expect(second.values).toBe(first.values);
      expect(second.folder.tokenizer.decode(second.folder.tokenizer.encode('x = 3.5'))).toBe('x = 3.5');
    } finally {
      await server.close();
    }
  });

  it('a folder without config.json, or with a malformed one, names the file', async () => {
    await expect(openModelFolder(nodeSource(dir))).rejects.toThrow(`${dir}/config.json: not found (not a model folder?)`);
    const broken = join(dir, 'broken');
    await writeTinyModel(broken, { arch: 'qwen2', hidden: 16, layers: 1, heads: 2, kvHeads: 2, intermediate: 16, seed: 1 });
    await writeFile(join(broken, 'config.json'), '{"hidden_size": 16,, }');
    await expect(openModelFolder(nodeSource(broken))).rejects.toThrow(/^config\.json: not valid JSON at line 1, column 20/);
    await writeFile(join(broken, 'generation_config.json'), '{"top_p": 2}');
    await writeFile(join(broken, 'config.json'), JSON.stringify({ ...written(), num_key_value_heads: 3 }));
    await expect(openModelFolder(nodeSource(broken))).rejects.toThrow('config.json: num_key_value_heads (3) must divide num_attention_heads (2)');
  });
});

function written(): Record<string, unknown> {
  return { architectures: ['Qwen2ForCausalLM'], hidden_size: 16, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 128 };
}
