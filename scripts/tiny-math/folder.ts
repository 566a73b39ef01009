// Writes tiny-math's folder files other than the weights: config.json, generation_config.json, tokenizer.json,
// tokenizer_config.json. The weights (model.safetensors) come from train.py; the model card from the eval.
// Usage: node bin/run-ts.mjs scripts/tiny-math/folder.ts OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { characterTokenizerConfigJson, llamaConfigJson } from '../make-bundled-model.ts';
import { SHAPE, SPECIAL_TOKENS, TOKENS } from './shape.ts';

export function configJson(): Record<string, unknown> {
  return llamaConfigJson(SHAPE);
}

/** A character-level tokenizer.json (WordLevel over single characters; unknown characters map to <unk>). */
export function tokenizerJson(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: '[\\s\\S]' }, behavior: 'Isolated', invert: false },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab: Object.fromEntries(TOKENS.map((t, id) => [t, id])), unk_token: '<unk>' },
  };
}

export function tokenizerConfigJson(): Record<string, unknown> {
  return characterTokenizerConfigJson(SHAPE.maxPositions, true);
}

export function generationConfigJson(): Record<string, unknown> {
  return { bos_token_id: 1, eos_token_id: 2, pad_token_id: 0, do_sample: false, max_new_tokens: 256 };
}

export function writeFolderFiles(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(join(outDir, 'config.json'), json(configJson()));
  writeFileSync(join(outDir, 'generation_config.json'), json(generationConfigJson()));
  writeFileSync(join(outDir, 'tokenizer.json'), json(tokenizerJson()));
  writeFileSync(join(outDir, 'tokenizer_config.json'), json(tokenizerConfigJson()));
}

if (process.argv[1]?.endsWith('folder.ts')) writeFolderFiles(resolve(process.argv[2] ?? 'public/models/tiny-math'));
