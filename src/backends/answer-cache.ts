// The answer cache: every completion a remote server returned, keyed by what determines it, so an interrupted probe
// resumes without asking again. The key is (model, prompt, sampling settings, seed, sample index); the disk cache
// (disk-answer-cache.ts, Node) persists it, the memory cache here serves the page and tests.
import type { Completion, SamplingSettings } from '../loop/backend.ts';

export interface AnswerKey {
  model: string;
  prompt: string;
  sampling: SamplingSettings;
  seed: number;
  /** which of the n samples of this prompt (0-based) */
  sample: number;
}

export interface AnswerCache {
  get(key: AnswerKey): Completion | undefined;
  /** stores the completions of one request together (a crash keeps all of them or none, per the store's rules) */
  putMany(entries: { key: AnswerKey; completion: Completion }[]): void;
  /** answers held */
  readonly size: number;
}

/** A canonical string for the key: the fields in a fixed order, the stop list as given (order matters to servers). */
export function answerKeyText(key: AnswerKey): string {
  const s = key.sampling;
  return JSON.stringify([key.model, s.temperature, s.topP, s.maxNewTokens, s.stop ?? [], key.seed, key.sample, key.prompt]);
}

export class MemoryAnswerCache implements AnswerCache {
  private readonly map = new Map<string, Completion>();

  get(key: AnswerKey): Completion | undefined {
    return this.map.get(answerKeyText(key));
  }

  putMany(entries: { key: AnswerKey; completion: Completion }[]): void {
    for (const { key, completion } of entries) this.map.set(answerKeyText(key), completion);
  }

  get size(): number {
    return this.map.size;
  }
}
