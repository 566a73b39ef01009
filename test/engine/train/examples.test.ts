// Training examples in TRL's dataset formats (standard and conversational), token ids, and bad lines by number.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadTokenizer, type Tokenizer } from '../../../src/engine/files/tokenizer.ts';
import { parseDpoPairs, parseSftExamples, type ExampleLimits } from '../../../src/engine/train/examples.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';

let tokenizer: Tokenizer;
let limits: ExampleLimits;
const lines = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const text = (ids: number[]) => tokenizer.decode(ids);

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'examples-'));
  const { config } = await writeTinyModel(dir, { arch: 'llama', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32, seed: 1 });
  tokenizer = await loadTokenizer(nodeSource(dir), config);
  limits = { tokenizer, maxTokens: 64, vocabSize: config.vocabSize };
});

describe('SFT examples', () => {
  it("reads TRL's prompt/completion text, the older prompt/response, and token ids", () => {
    const { items, errors } = parseSftExamples(lines(
      { prompt: '1+1=', completion: '2' },
      { prompt: '2+2=', response: '4' },
      { prompt_ids: [5, 6], completion_ids: [7] },
      { prompt_ids: [5, 6], response_ids: [8] },
    ), limits);
    expect(errors).toEqual([]);
    expect(items.map((e) => [text(e.prompt), text(e.response)])).toEqual([['1+1=', '2'], ['2+2=', '4'], [text([5, 6]), text([7])], [text([5, 6]), text([8])]]);
    expect(items.map((e) => e.line)).toEqual([1, 2, 3, 4]);
  });

  it('renders conversations with the chat template: messages (loss on the last assistant turn) and conversational prompt/completion', () => {
    const { items, errors } = parseSftExamples(lines(
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '1+1?' }, { role: 'assistant', content: '2' }] },
      { prompt: [{ role: 'user', content: '2+2?' }], completion: [{ role: 'assistant', content: '4' }] },
    ), limits);
    expect(errors).toEqual([]);
    // the tiny template: "role: content\n" per message, then "assistant: " to open the reply
    expect(text(items[0].prompt)).toBe('system: Be brief.\nuser: 1+1?\nassistant: ');
    expect(text(items[0].response)).toBe('2\n');
    expect(text(items[1].prompt)).toBe('user: 2+2?\nassistant: ');
    expect(text(items[1].response)).toBe('4\n');
  });

  it('names what is wrong with a conversational line, by 1-based line number', () => {
    const { items, errors } = parseSftExamples(lines(
      { messages: [{ role: 'user', content: 'hi' }] },
      { messages: [{ role: 'user' }, { role: 'assistant', content: 'x' }] },
      { messages: 'hi' },
      '',
      { prompt: [{ role: 'user', content: 'q' }], completion: 'a' },
    ), limits);
    expect(items).toEqual([]);
    expect(errors).toEqual([
      { line: 1, reason: 'messages: the last message must be the assistant\'s (the completion to learn)' },
      { line: 2, reason: 'messages[0].content must be a string' },
      { line: 3, reason: 'messages must be a list of {"role", "content"} objects' },
      { line: 5, reason: 'prompt is a conversation, so completion must be one too (a list of {"role", "content"})' },
    ]);
  });
});

describe('DPO pairs', () => {
  it('reads TRL preference pairs as text and as conversations (prompt rendered with the generation prompt)', () => {
    const { items, errors } = parseDpoPairs(lines(
      { prompt: '1+1=', chosen: '2', rejected: '3' },
      {
        prompt: [{ role: 'user', content: '1+1?' }],
        chosen: [{ role: 'assistant', content: '2' }],
        rejected: [{ role: 'assistant', content: '3' }],
      },
    ), limits);
    expect(errors).toEqual([]);
    expect(items.map((p) => [text(p.prompt), text(p.chosen), text(p.rejected)])).toEqual([
      ['1+1=', '2', '3'],
      ['user: 1+1?\nassistant: ', '2\n', '3\n'],
    ]);
  });

  it('a conversational pair needs a chat template and conversations on both sides', () => {
    const noTemplate = { ...limits, tokenizer: { ...tokenizer, applyChatTemplate: undefined } };
    const conversation = { prompt: [{ role: 'user', content: 'q' }], chosen: [{ role: 'assistant', content: 'a' }], rejected: [{ role: 'assistant', content: 'b' }] };
    expect(parseDpoPairs(lines(conversation), noTemplate).errors).toEqual([
      { line: 1, reason: 'prompt is a conversation but the tokenizer has no chat_template (tokenizer_config.json)' },
    ]);
    expect(parseDpoPairs(lines({ ...conversation, rejected: 'b' }), limits).errors).toEqual([
      { line: 1, reason: 'prompt is a conversation, so rejected must be one too (a list of {"role", "content"})' },
    ]);
  });
});
