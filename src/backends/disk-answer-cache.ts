// The answer cache on disk (Node): an append-only JSONL file, one line per completion, keyed by the SHA-256 of the
// canonical key text. All completions of one request are appended in one write, so an interrupted run keeps every
// request that finished. A torn last line (the process died mid-write) is skipped on load and reported; every
// other line still loads. Only answers are written: never a header, never the API key.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Completion } from '../loop/backend.ts';
import { answerKeyText, type AnswerCache, type AnswerKey } from './answer-cache.ts';

interface CacheLine {
  k: string;
  text: string;
  tokens: number;
  truncated?: boolean;
}

export class DiskAnswerCache implements AnswerCache {
  private readonly map = new Map<string, Completion>();
  /** lines that could not be read on load, with their 1-based line numbers */
  readonly skipped: { line: number; reason: string }[] = [];

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      this.load(text);
      // after a torn write, start the next line on a line of its own so it is not glued to the torn one
      if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
    }
  }

  get(key: AnswerKey): Completion | undefined {
    return this.map.get(hashKey(key));
  }

  putMany(entries: { key: AnswerKey; completion: Completion }[]): void {
    if (entries.length === 0) return;
    const lines = entries.map(({ key, completion }) => {
      const k = hashKey(key);
      this.map.set(k, completion);
      const line: CacheLine = { k, text: completion.text, tokens: completion.tokens };
      if (completion.truncated) line.truncated = true;
      return JSON.stringify(line) + '\n';
    });
    appendFileSync(this.file, lines.join(''));
  }

  get size(): number {
    return this.map.size;
  }

  private load(text: string): void {
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      const entry = parseLine(raw);
      if (typeof entry === 'string') this.skipped.push({ line: i + 1, reason: entry });
      else this.map.set(entry.k, { text: entry.text, tokens: entry.tokens, ...(entry.truncated ? { truncated: true } : {}) });
    });
  }
}

function hashKey(key: AnswerKey): string {
  return createHash('sha256').update(answerKeyText(key)).digest('hex');
}

function parseLine(raw: string): CacheLine | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not valid JSON (an interrupted write?)';
  }
  const v = value as Partial<CacheLine>;
  if (typeof v?.k !== 'string' || typeof v.text !== 'string' || typeof v.tokens !== 'number') return 'missing k, text or tokens';
  return v as CacheLine;
}
