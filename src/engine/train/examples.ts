// Training examples from JSONL in TRL's dataset formats: DPO pairs {"prompt", "chosen", "rejected"} and SFT rows
// {"prompt", "completion"} or {"messages"}, as text or as conversations (lists of {"role", "content"} rendered with
// the model's chat template, as TRL's maybe_apply_chat_template does), or as token ids.
// Each bad line is reported with its 1-based number and reason; the good lines still load.
import type { ChatMessage, Tokenizer } from '../files/tokenizer.ts';

export interface DpoPair {
  line: number;
  prompt: number[];
  chosen: number[];
  rejected: number[];
}

export interface SftExample {
  line: number;
  prompt: number[];
  response: number[];
}

export interface LineError {
  line: number;
  reason: string;
}

/** What a line is checked against. */
export interface ExampleLimits {
  tokenizer: Tokenizer | null;
  /** the model's context length */
  maxTokens: number;
  vocabSize: number;
}

export interface Parsed<T> {
  items: T[];
  errors: LineError[];
}

/**
 * Parses DPO pairs: {"prompt", "chosen", "rejected"} as text or as conversations (TRL's formats), or
 * {"prompt_ids", "chosen_ids", "rejected_ids"}.
 */
export function parseDpoPairs(text: string, limits: ExampleLimits): Parsed<DpoPair> {
  const { maxTokens } = limits;
  return parseLines(text, (row, line) => {
    const texts = Array.isArray(row.prompt) ? conversationTexts(row, ['chosen', 'rejected'], limits.tokenizer) : null;
    const prompt = texts ? encode(texts.prompt, limits) : tokens(row, 'prompt', limits);
    const chosen = texts ? encode(texts.chosen, limits) : tokens(row, 'chosen', limits);
    const rejected = texts ? encode(texts.rejected, limits) : tokens(row, 'rejected', limits);
    for (const [name, ids] of [['chosen', chosen], ['rejected', rejected]] as const) {
      if (ids.length === 0) throw new Error(`${name} answer is empty`);
      if (prompt.length + ids.length > maxTokens) {
        throw new Error(`prompt + ${name} is ${prompt.length + ids.length} tokens, longer than the context (${maxTokens})`);
      }
    }
    if (prompt.length === 0) throw new Error('prompt is empty');
    return { line, prompt, chosen, rejected };
  });
}

/**
 * Parses SFT rows: {"prompt", "completion"} (or the older "response") as text or conversations, {"messages"} (the
 * last message is the assistant's completion; the ones before it are the prompt), or {"prompt_ids",
 * "completion_ids" | "response_ids"}. The loss is on the completion tokens only.
 */
export function parseSftExamples(text: string, limits: ExampleLimits): Parsed<SftExample> {
  const { maxTokens } = limits;
  return parseLines(text, (row, line) => {
    let prompt: number[];
    let response: number[];
    if (row.messages !== undefined) {
      const messages = chatMessages(row.messages, 'messages');
      const last = messages[messages.length - 1];
      if (!last || last.role !== 'assistant') throw new Error("messages: the last message must be the assistant's (the completion to learn)");
      const texts = conversationTexts({ prompt: messages.slice(0, -1), completion: [last] }, ['completion'], limits.tokenizer);
      [prompt, response] = [encode(texts.prompt, limits), encode(texts.completion, limits)];
    } else if (Array.isArray(row.prompt)) {
      const texts = conversationTexts(row, ['completion'], limits.tokenizer);
      [prompt, response] = [encode(texts.prompt, limits), encode(texts.completion, limits)];
    } else {
      prompt = tokens(row, 'prompt', limits);
      const field = row.completion !== undefined || row.completion_ids !== undefined ? 'completion' : 'response';
      response = tokens(row, field, limits);
    }
    if (response.length === 0) throw new Error('response is empty');
    if (prompt.length + response.length > maxTokens) {
      throw new Error(`prompt + response is ${prompt.length + response.length} tokens, longer than the context (${maxTokens})`);
    }
    if (prompt.length === 0) throw new Error('prompt is empty');
    return { line, prompt, response };
  });
}

/** A list of {"role", "content"} messages, or an error naming the field. */
function chatMessages(value: unknown, field: string): ChatMessage[] {
  if (!Array.isArray(value)) throw new Error(`${field} must be a list of {"role", "content"} objects`);
  return value.map((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error(`${field}[${i}] must be a {"role", "content"} object`);
    const { role, content } = m as Record<string, unknown>;
    if (typeof role !== 'string') throw new Error(`${field}[${i}].role must be a string`);
    if (typeof content !== 'string') throw new Error(`${field}[${i}].content must be a string`);
    return { role, content };
  });
}

/**
 * The texts of a conversational row, as TRL renders them: the prompt with the generation prompt added, and each
 * answer as what the template adds after that prompt when it renders prompt + answer as a whole conversation.
 */
function conversationTexts<K extends string>(row: Record<string, unknown>, answers: K[], tokenizer: Tokenizer | null): { prompt: string } & Record<K, string> {
  const prompt = chatMessages(row.prompt, 'prompt');
  if (!tokenizer?.applyChatTemplate) throw new Error('prompt is a conversation but the tokenizer has no chat_template (tokenizer_config.json)');
  const render = tokenizer.applyChatTemplate;
  const promptText = render(prompt, { addGenerationPrompt: true });
  const out = { prompt: promptText } as { prompt: string } & Record<K, string>;
  for (const key of answers) {
    if (!Array.isArray(row[key])) throw new Error(`prompt is a conversation, so ${key} must be one too (a list of {"role", "content"})`);
    const whole = render([...prompt, ...chatMessages(row[key], key)], { addGenerationPrompt: false });
    if (!whole.startsWith(promptText)) throw new Error(`the chat template does not render the prompt as the start of prompt + ${key}; give text or token ids instead`);
    (out as Record<string, string>)[key] = whole.slice(promptText.length);
  }
  return out;
}

/** Text tokenized without special tokens (a chat template writes its own). */
function encode(text: string, { tokenizer }: ExampleLimits): number[] {
  if (!tokenizer) throw new Error('the line is text but no tokenizer is loaded');
  return tokenizer.encode(text, { addSpecialTokens: false });
}

function parseLines<T>(text: string, map: (row: Record<string, unknown>, line: number) => T): Parsed<T> {
  const items: T[] = [];
  const errors: LineError[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      const row: unknown = JSON.parse(raw);
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new Error('not a JSON object');
      items.push(map(row as Record<string, unknown>, line));
    } catch (error) {
      errors.push({ line, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return { items, errors };
}

/** `field_ids` as integers, or `field` as text tokenized without special tokens. */
function tokens(row: Record<string, unknown>, field: string, { tokenizer, vocabSize }: ExampleLimits): number[] {
  const ids = row[`${field}_ids`];
  if (ids !== undefined) {
    if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new Error(`${field}_ids must be an array of non-negative integers`);
    }
    const bad = (ids as number[]).find((t) => t >= vocabSize);
    if (bad !== undefined) throw new Error(`${field}_ids: token id ${bad} is outside the vocabulary (size ${vocabSize})`);
    return ids as number[];
  }
  const value = row[field];
  if (typeof value !== 'string') throw new Error(`missing "${field}_ids" or "${field}" (text)`);
  if (!tokenizer) throw new Error(`"${field}" is text but no tokenizer is loaded`);
  return tokenizer.encode(value, { addSpecialTokens: false });
}
