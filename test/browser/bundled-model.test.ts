// The bundled model in public/models/tiny-random is what scripts/make-bundled-model.ts writes (so it is
// reproducible and current), small enough to commit, and readable by the engine's file parsers and tokenizer.
import { describe, expect, test } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { BUNDLED_MODEL_DIR, bundledModelFiles } from '../../scripts/make-bundled-model.ts';
import { parseConfig, parseGenerationConfig } from '../../src/engine/files/config.ts';
import { SafetensorsFile } from '../../src/engine/files/safetensors.ts';
import { PROJECT_ROOT } from './build-app.ts';

const folder = join(PROJECT_ROOT, BUNDLED_MODEL_DIR);
const committed = (name: string) => new Uint8Array(readFileSync(join(folder, name)));
const text = (name: string) => new TextDecoder().decode(committed(name));

describe('the bundled tiny-random model', () => {
  test('the committed files are exactly what the seeded script writes', () => {
    const regenerated = bundledModelFiles();
    expect(Object.keys(regenerated).sort()).toEqual(
      ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'],
    );
    for (const [name, bytes] of Object.entries(regenerated)) {
      expect(Buffer.compare(Buffer.from(committed(name)), Buffer.from(bytes)), `${name} differs: rerun scripts/make-bundled-model.ts`).toBe(0);
    }
  });

  test('is under 1 MB in all', () => {
    const total = Object.keys(bundledModelFiles()).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
    console.log(`bundled model: ${total} bytes`);
    expect(total).toBeLessThan(1_000_000);
  });

  test('config and weights agree: a 2-layer Llama, hidden 64, every tensor in its Hugging Face shape', () => {
    const config = parseConfig(text('config.json'));
    expect(config).toMatchObject({ architecture: 'llama', hiddenSize: 64, numLayers: 2, vocabSize: 100, tieWordEmbeddings: false });
    expect(parseGenerationConfig(text('generation_config.json')).eosTokenIds).toEqual([2]);
    const weights = SafetensorsFile.parse(committed('model.safetensors'), 'model.safetensors');
    const kvWidth = config.numKvHeads * config.headDim;
    expect(weights.info('model.embed_tokens.weight').shape).toEqual([config.vocabSize, config.hiddenSize]);
    expect(weights.info('lm_head.weight').shape).toEqual([config.vocabSize, config.hiddenSize]);
    expect(weights.info('model.layers.1.self_attn.k_proj.weight').shape).toEqual([kvWidth, config.hiddenSize]);
    expect(weights.info('model.layers.1.mlp.down_proj.weight').shape).toEqual([config.hiddenSize, config.intermediateSize]);
    expect(weights.tensors.size).toBe(3 + 9 * config.numLayers);
    const embedding = weights.f32('model.embed_tokens.weight');
    expect(embedding.every(Number.isFinite)).toBe(true);
    expect(new Set(embedding).size).toBeGreaterThan(embedding.length / 2); // random, not constant
  });

  test('the tokenizer maps each printable ASCII character and newline to one token and back', () => {
    const tokenizer = new Tokenizer(JSON.parse(text('tokenizer.json')), JSON.parse(text('tokenizer_config.json')));
    const sample = 'Question: what is 12 + 30?\nAnswer: {42} ~`|\\';
    const encoded = tokenizer.encode(sample, { add_special_tokens: false });
    expect(encoded.ids.length).toBe(sample.length);
    expect(Math.max(...encoded.ids)).toBeLessThan(100);
    expect(encoded.ids).not.toContain(3); // no <unk> for ASCII
    expect(tokenizer.decode(encoded.ids, { skip_special_tokens: true })).toBe(sample);
    expect(tokenizer.encode('é', { add_special_tokens: false }).ids).toEqual([3]); // outside ASCII: <unk>
  });
});
