// DPO pairs from K judged answers to one problem: the problem yields a pair only when some answers are right and
// some wrong. chosen = a right answer (random by default; option: the shortest or longest by tokens, ties broken at
// random), rejected = a random wrong answer. Exported in TRL's format: {"prompt", "chosen", "rejected"}.
import type { Rng } from '../util/random.ts';
import type { DpoPair } from './trainer.ts';

export type ChosenRule = 'random' | 'shortest' | 'longest';

export interface JudgedCompletion {
  text: string;
  tokens: number;
  correct: boolean;
}

export function buildPair(problemId: string, prompt: string, answers: JudgedCompletion[], rule: ChosenRule, rng: Rng): DpoPair | null {
  const right = answers.filter((a) => a.correct && a.text.length > 0);
  const wrong = answers.filter((a) => !a.correct && a.text.length > 0);
  if (right.length === 0 || wrong.length === 0) return null;
  let candidates = right;
  if (rule !== 'random') {
    const best = rule === 'shortest' ? Math.min(...right.map((a) => a.tokens)) : Math.max(...right.map((a) => a.tokens));
    candidates = right.filter((a) => a.tokens === best);
  }
  return { problemId, prompt, chosen: rng.pick(candidates).text, rejected: rng.pick(wrong).text };
}

/** TRL's DPO dataset format, one JSON object per line. */
export function pairsToTrlJsonl(pairs: DpoPair[]): string {
  return pairs.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected })).join('\n') + (pairs.length ? '\n' : '');
}
