// The answer verifier: extraction of the final answer from a model response, and its equivalence with
// the gold answer. The judge of every probe and every DPO pair; deterministic, never throws.
import { judge, type JudgeOptions } from './judge.ts';
import type { ExtractOptions } from './extract.ts';

export { answersEqual, type EqualOptions } from './equal.ts';
export { boxedAnswer, extractAnswer, extractGoldAnswer, lastBoxedContent, type ExtractOptions } from './extract.ts';
export { judge, JUDGE_MODES, type JudgeMode, type JudgeOptions, type Judgement } from './judge.ts';
export { normalizeAnswer } from './normalize.ts';

export interface Verdict {
  equal: boolean;
  /** the answer taken from the response, or null when none was found */
  extracted: string | null;
}

/** Judges a (possibly whole) model response against the gold answer; `judge()` also reports the gold's answer. */
export function verify(response: string, gold: string, options: ExtractOptions & JudgeOptions = {}): Verdict {
  const { equal, predAnswer } = judge(response, gold, options);
  return { equal, extracted: predAnswer };
}
