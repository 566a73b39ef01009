// A character outside a model's vocabulary: tiny-math maps it to <unk>; a tokenizer without an unknown token
// fails with a message naming the character and where it is (never "token id undefined").
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../src/engine/files/source.ts';
import { loadTokenizer } from '../../src/engine/files/tokenizer.ts';
import { writeTinyModel } from '../helpers/tiny-model.ts';

describe('characters outside the vocabulary', () => {
  it('tiny-math has × and ÷ and maps other characters to <unk>', async () => {
    const tok = await loadTokenizer(nodeSource('public/models/tiny-math'));
    const ids = tok.encode('3 × 4 ÷ 2 ≈ é', { addSpecialTokens: false });
    expect(ids.every(Number.isInteger)).toBe(true);
    expect(tok.decode(ids)).toContain('3 × 4 ÷ 2');
    const unk = tok.tokenToId('<unk>');
    expect(ids.filter((id) => id === unk)).toHaveLength(2); // ≈ and é
  });

  it('a tokenizer with no unknown token names the character and its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'no-unk-'));
    await writeTinyModel(dir, { arch: 'llama', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32, seed: 1 });
    const path = join(dir, 'tokenizer.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    delete json.model.unk_token; // a WordLevel model with no unknown token
    await writeFile(path, JSON.stringify(json));
    const configPath = join(dir, 'tokenizer_config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    delete config.unk_token;
    await writeFile(configPath, JSON.stringify(config));
    const tok = await loadTokenizer(nodeSource(dir));
    expect(() => tok.encode('1 + 1\n3 × 4', { addSpecialTokens: false })).toThrow(/no token for the character "×" \(U\+00D7\) at character 9 of the text \(line 2\)/);
  });
});
