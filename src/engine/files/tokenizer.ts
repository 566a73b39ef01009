// The tokenizer of a model folder: tokenizer.json (+ tokenizer_config.json) through
// @huggingface/tokenizers, which builds it from in-memory JSON the same way in Node and the browser.
// Chat templates (tokenizer_config.json's chat_template) render through @huggingface/jinja.
import { Template } from '@huggingface/jinja';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import type { ModelConfig } from './config.ts';
import { ModelFileError } from './errors.ts';
import { isPlainObject, parseJsonObject } from './json.ts';
import { readOptionalText, type ModelSource } from './source.ts';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface Tokenizer {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: number[], options?: { skipSpecialTokens?: boolean }): string;
  /** One past the largest token id the tokenizer knows (the model's vocab_size may be larger). */
  readonly vocabSize: number;
  readonly eosTokenIds: number[];
  readonly bosTokenId: number | null;
  readonly padTokenId: number | null;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /**
   * Present when tokenizer_config.json has a chat_template. Ends with the assistant's turn opened unless
   * `addGenerationPrompt` is false (to render a whole conversation, its last assistant turn included).
   */
  applyChatTemplate?(messages: ChatMessage[], options?: { addGenerationPrompt?: boolean }): string;
}

const TOKENIZER_FILE = 'tokenizer.json';
const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
const MODEL_TYPES = ['BPE', 'WordPiece', 'WordLevel', 'Unigram'];

export async function loadTokenizer(source: ModelSource, config?: ModelConfig): Promise<Tokenizer> {
  if (!(await source.has(TOKENIZER_FILE))) throw new ModelFileError(`${source.name}/${TOKENIZER_FILE}`, 'not found (the model folder needs a tokenizer.json)');
  const tokenizerJson = parseJsonObject(await source.readText(TOKENIZER_FILE), TOKENIZER_FILE);
  const configText = await readOptionalText(source, TOKENIZER_CONFIG_FILE);
  const tokenizerConfig = configText === null ? {} : parseJsonObject(configText, TOKENIZER_CONFIG_FILE);
  return createTokenizer(tokenizerJson, tokenizerConfig, config);
}

/** Builds a Tokenizer from parsed tokenizer.json and tokenizer_config.json objects. */
export function createTokenizer(
  tokenizerJson: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown>,
  config?: ModelConfig,
): Tokenizer {
  const hf = buildHfTokenizer(tokenizerJson, tokenizerConfig);
  const vocab = hf.get_vocab(true);
  let maxId = -1;
  for (const id of vocab.values()) maxId = Math.max(maxId, id);
  if (maxId < 0) throw new ModelFileError(TOKENIZER_FILE, 'the vocabulary is empty');
  // Token ids index the embedding matrix: one past its end would read out of bounds.
  if (config && maxId >= config.vocabSize) {
    throw new ModelFileError(TOKENIZER_FILE, `has token id ${maxId} but config.json's vocab_size is ${config.vocabSize}`);
  }
  const idOfSpecial = (key: string) => specialTokenId(hf, tokenizerConfig, key);
  const eosFromConfig = idOfSpecial('eos_token');
  const eosTokenIds = [...new Set([...(eosFromConfig === null ? [] : [eosFromConfig]), ...(config?.eosTokenIds ?? [])])];
  const bosTokenId = idOfSpecial('bos_token') ?? config?.bosTokenId ?? null;
  const padTokenId = idOfSpecial('pad_token');
  const template = readChatTemplate(tokenizerConfig);
  const tokenizer: Tokenizer = {
    vocabSize: maxId + 1,
    eosTokenIds,
    bosTokenId,
    padTokenId,
    encode: (text, options) => checkedIds(hf, text, hf.encode(text, { add_special_tokens: options?.addSpecialTokens ?? true }).ids),
    // tokenizers.js rejects an empty list; no tokens is the empty text (a completion that starts with EOS)
    decode: (ids, options) => (ids.length === 0 ? '' : hf.decode(ids, { skip_special_tokens: options?.skipSpecialTokens ?? false })),
    tokenToId: (token) => hf.token_to_id(token),
    idToToken: (id) => hf.id_to_token(id),
  };
  if (template) tokenizer.applyChatTemplate = (messages, options) => renderChatTemplate(template, messages, tokenizerConfig, options?.addGenerationPrompt ?? true);
  return tokenizer;
}

function buildHfTokenizer(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>): HfTokenizer {
  const model = tokenizerJson.model;
  if (!isPlainObject(model)) throw new ModelFileError(TOKENIZER_FILE, 'model must be an object (the tokenization model: BPE, WordLevel, ...)');
  if (model.type !== undefined && !MODEL_TYPES.includes(model.type as string)) {
    throw new ModelFileError(TOKENIZER_FILE, `model.type ${JSON.stringify(model.type)} is not supported (supported: ${MODEL_TYPES.join(', ')})`);
  }
  // tokenizers.js wants every pipeline stage present; the Rust library treats a missing stage as null.
  const complete = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, added_tokens: [], ...tokenizerJson };
  try {
    return new HfTokenizer(complete, tokenizerConfig);
  } catch (err) {
    throw new ModelFileError(TOKENIZER_FILE, `cannot build the tokenizer: ${(err as Error).message}`);
  }
}

/** tokenizer_config.json names special tokens as a string or as an AddedToken object { content }. */
function specialTokenId(hf: HfTokenizer, tokenizerConfig: Record<string, unknown>, key: string): number | null {
  const value = tokenizerConfig[key];
  const content = typeof value === 'string' ? value : isPlainObject(value) && typeof value.content === 'string' ? value.content : null;
  if (content === null) return null;
  const id = hf.token_to_id(content);
  if (id === undefined) throw new ModelFileError(TOKENIZER_CONFIG_FILE, `${key} ${JSON.stringify(content)} is not in tokenizer.json's vocabulary`);
  return id;
}

/** chat_template is a string, or a list of { name, template } of which "default" is the chat one. */
function readChatTemplate(tokenizerConfig: Record<string, unknown>): Template | null {
  const value = tokenizerConfig.chat_template;
  let text: string | null = null;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) {
    const entry = value.find((t) => isPlainObject(t) && t.name === 'default') ?? value[0];
    if (isPlainObject(entry) && typeof entry.template === 'string') text = entry.template;
  }
  if (text === null) return null;
  try {
    return new Template(text);
  } catch (err) {
    throw new ModelFileError(TOKENIZER_CONFIG_FILE, `chat_template does not parse: ${(err as Error).message}`);
  }
}

/**
 * `ids` when every piece of `text` has a token; a tokenizer with no unknown token returns no id for a character
 * outside its vocabulary, and that is an error naming the character and where it is.
 */
function checkedIds(hf: HfTokenizer, text: string, ids: number[]): number[] {
  if (ids.every((id) => Number.isInteger(id))) return ids;
  const chars = [...text];
  const at = chars.findIndex((c) => !hf.encode(c, { add_special_tokens: false }).ids.every((id) => Number.isInteger(id)));
  const where = at < 0 ? '' : ` at character ${at + 1} of the text (line ${chars.slice(0, at).join('').split('\n').length})`;
  const what = at < 0 ? 'a piece of the text' : `the character ${JSON.stringify(chars[at])} (U+${chars[at].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  throw new Error(`the tokenizer has no token for ${what}${where}, and no unknown token (unk_token) to stand for it`);
}

function renderChatTemplate(template: Template, messages: ChatMessage[], tokenizerConfig: Record<string, unknown>, addGenerationPrompt: boolean): string {
  const tokenText = (key: string) => {
    const value = tokenizerConfig[key];
    return typeof value === 'string' ? value : isPlainObject(value) && typeof value.content === 'string' ? value.content : '';
  };
  return template.render({
    messages,
    add_generation_prompt: addGenerationPrompt,
    bos_token: tokenText('bos_token'),
    eos_token: tokenText('eos_token'),
    pad_token: tokenText('pad_token'),
    unk_token: tokenText('unk_token'),
  });
}
