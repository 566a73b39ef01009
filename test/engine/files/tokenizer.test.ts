import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { memorySource, nodeSource } from '../../../src/engine/files/source.ts';
import { loadTokenizer } from '../../../src/engine/files/tokenizer.ts';
import { TINY_TOKENIZER_SIZE, tinyTokenizerJson, writeTinyModel } from '../../helpers/tiny-model.ts';

const FIXTURE = 'test/fixtures/torch-reference/qwen2-fixture-f32';
const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('loadTokenizer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenizer-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads the torch fixture tokenizer (character-level WordLevel) with its special tokens', async () => {
    const tokenizer = await loadTokenizer(nodeSource(FIXTURE));
    expect(tokenizer.vocabSize).toBe(50);
    expect([tokenizer.bosTokenId, tokenizer.eosTokenIds, tokenizer.padTokenId]).toEqual([1, [2], 0]);
    // Ids from the fixture's vocabulary: "A"=35 "+"=13 "B"=36 "="=31 "9"=27 "?"=33.
    expect(tokenizer.encode('A+B=9?')).toEqual([35, 13, 36, 31, 27, 33]);
    expect(tokenizer.decode([1, 35, 13, 36, 2])).toBe('<s>A+B</s>');
    expect(tokenizer.decode([1, 35, 13, 36, 2], { skipSpecialTokens: true })).toBe('A+B');
    expect(tokenizer.applyChatTemplate).toBeUndefined();
    expect(tokenizer.decode([])).toBe('');
    expect(tokenizer.decode([2], { skipSpecialTokens: true })).toBe('');
  });

  it('the tiny model tokenizer round-trips digits, letters, spaces and punctuation', async () => {
    const model = join(dir, 'tiny');
    const { config } = await writeTinyModel(model, { arch: 'llama', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32, seed: 1 });
    const tokenizer = await loadTokenizer(nodeSource(model), config);
    const text = 'Q: What is 12 + 7 * (3 - 1)?\nA: 26. {x_1} ~ [a|b] "quoted" \'single\' @#$%^&`\\/<>;:,!';
    const ids = tokenizer.encode(text);
    expect(ids.length).toBe(text.length); // one token per character
    expect(Math.max(...ids)).toBeLessThan(TINY_TOKENIZER_SIZE);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.vocabSize).toBe(128); // placeholder tokens fill the ids up to vocab_size
    expect(tokenizer.decode([127])).toBe('<extra_127>');
    expect(tokenizer.tokenToId('</s>')).toBe(2);
    expect(tokenizer.idToToken(4)).toBe(' ');
    expect(tokenizer.applyChatTemplate!([{ role: 'user', content: '2+2?' }])).toBe('user: 2+2?\nassistant: ');
  });

  it('merges eos ids from tokenizer_config.json and config.json', async () => {
    const config = parseConfig(JSON.stringify({ model_type: 'llama', hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 128, eos_token_id: [2, 5] }));
    const source = memorySource(new Map([['tokenizer.json', encode(tinyTokenizerJson(128))], ['tokenizer_config.json', encode({ eos_token: { content: '</s>' } })]]));
    expect((await loadTokenizer(source, config)).eosTokenIds).toEqual([2, 5]);
  });

  it('refuses a tokenizer whose ids do not fit the model vocabulary', async () => {
    const config = parseConfig(JSON.stringify({ model_type: 'llama', hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 100 }));
    const source = memorySource(new Map([['tokenizer.json', encode(tinyTokenizerJson(128))]]));
    await expect(loadTokenizer(source, config)).rejects.toThrow("tokenizer.json: has token id 127 but config.json's vocab_size is 100");
  });

  it('a tokenizer.json that does not parse names the file', async () => {
    const bad = memorySource(new Map([['tokenizer.json', encode('{"model": {"type": "WordLevel", ')]]), 'mem');
    await expect(loadTokenizer(bad)).rejects.toThrow(/^tokenizer\.json: not valid JSON/);
  });

  it('a tokenizer.json with an unknown model type names the file', async () => {
    const bad = memorySource(new Map([['tokenizer.json', encode({ model: { type: 'Magic', vocab: {} } })]]));
    await expect(loadTokenizer(bad)).rejects.toThrow('tokenizer.json: model.type "Magic" is not supported (supported: BPE, WordPiece, WordLevel, Unigram)');
    const noVocab = memorySource(new Map([['tokenizer.json', encode({ model: { type: 'BPE' } })]]));
    await expect(loadTokenizer(noVocab)).rejects.toThrow(/^tokenizer\.json: cannot build the tokenizer: /);
    const noModel = memorySource(new Map([['tokenizer.json', encode({ version: '1.0' })]]));
    await expect(loadTokenizer(noModel)).rejects.toThrow(/^tokenizer\.json: model must be an object/);
  });

  it('a missing tokenizer.json, an unknown special token or a broken chat template name the file', async () => {
    await expect(loadTokenizer(memorySource(new Map(), 'models/x'))).rejects.toThrow(/^models\/x\/tokenizer\.json: not found/);
    const unknownEos = memorySource(new Map([['tokenizer.json', encode(tinyTokenizerJson(128))], ['tokenizer_config.json', encode({ eos_token: '<|end|>' })]]));
    await expect(loadTokenizer(unknownEos)).rejects.toThrow('tokenizer_config.json: eos_token "<|end|>" is not in tokenizer.json\'s vocabulary');
    const badTemplate = memorySource(new Map([['tokenizer.json', encode(tinyTokenizerJson(128))], ['tokenizer_config.json', encode({ chat_template: '{% for %}' })]]));
    await expect(loadTokenizer(badTemplate)).rejects.toThrow(/^tokenizer_config\.json: chat_template does not parse/);
  });

  it('reads a file written by hand with a decoder-less tokenizer.json', async () => {
    const json = tinyTokenizerJson(100) as Record<string, unknown>;
    delete json.decoder;
    delete json.post_processor;
    const folder = join(dir, 'partial');
    await rm(folder, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    await writeFile(join(folder, 'tokenizer.json'), JSON.stringify(json));
    const tokenizer = await loadTokenizer(nodeSource(folder));
    expect(tokenizer.encode('7*6')).toEqual([27, 14, 26]); // ' ' is 4, so '*' (0x2a) is 4 + 10
    expect(tokenizer.padTokenId).toBeNull();
  });
});
