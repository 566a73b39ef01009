// Training examples from JSONL: DPO pairs and SFT prompt/response rows, given as token ids or as text.
// Each bad line is reported with its number and reason; the good lines still load.
import type { Tokenizer } from '../files/tokenizer.ts';

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

/** Parses DPO pairs: {"prompt_ids","chosen_ids","rejected_ids"} or text fields {"prompt","chosen","rejected"} (TRL's format). */
export function parseDpoPairs(text: string, limits: ExampleLimits): Parsed<DpoPair> {
  const { maxTokens } = limits;
  return parseLines(text, (row, line) => {
    const prompt = tokens(row, 'prompt', limits);
    const chosen = tokens(row, 'chosen', limits);
    const rejected = tokens(row, 'rejected', limits);
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

/** Parses SFT rows: {"prompt_ids","response_ids"} or {"prompt","response"}; the loss is on response tokens only. */
export function parseSftExamples(text: string, limits: ExampleLimits): Parsed<SftExample> {
  const { maxTokens } = limits;
  return parseLines(text, (row, line) => {
    const prompt = tokens(row, 'prompt', limits);
    const response = tokens(row, 'response', limits);
    if (response.length === 0) throw new Error('response is empty');
    if (prompt.length + response.length > maxTokens) {
      throw new Error(`prompt + response is ${prompt.length + response.length} tokens, longer than the context (${maxTokens})`);
    }
    if (prompt.length === 0) throw new Error('prompt is empty');
    return { line, prompt, response };
  });
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
