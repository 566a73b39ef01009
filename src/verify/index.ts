// The answer verifier: extraction of the final answer from a model response, and its equivalence with
// the gold answer. The judge of every probe and every DPO pair; deterministic, never throws.
import { answersEqual } from './equal.ts';
import { type ExtractOptions, extractAnswer } from './extract.ts';

export { answersEqual } from './equal.ts';
export { extractAnswer, lastBoxedContent, type ExtractOptions } from './extract.ts';
export { normalizeAnswer } from './normalize.ts';

export interface Verdict {
  equal: boolean;
  /** the answer taken from the response, or null when none was found */
  extracted: string | null;
}

/** Judges a (possibly whole) model response against the gold answer. */
export function verify(response: string, gold: string, options: ExtractOptions = {}): Verdict {
  const extracted = extractAnswer(response, options);
  return { equal: extracted !== null && answersEqual(extracted, gold), extracted };
}
