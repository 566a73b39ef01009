// judge(): a whole model response against a gold answer, with the answers it compared, so a reader can see
// why. The one call the probe, the pair builder and the CLI make.
import { answersEqual } from './equal.ts';
import { extractAnswer, extractGoldAnswer } from './extract.ts';
import { choiceText, goldLetter, letterInResponse, pickedLetter } from './choice.ts';
import { answerAfterPhrase } from './prose.ts';
import { answerPart } from './response.ts';

/**
 * strict: only a marked answer counts (a box, an answer phrase, a math span, or a response that is itself an
 * answer), never one inside the reasoning of a response with nothing after </think>, and decimals must be exact; lenient (the default): the last number of an unmarked response is taken,
 * and a decimal with at least 4 significant digits equals an exact value it correctly rounds ("2.6667" = 8/3).
 */
export type JudgeMode = 'strict' | 'lenient';

export const JUDGE_MODES: readonly JudgeMode[] = ['strict', 'lenient'];

export interface JudgeOptions {
  mode?: JudgeMode;
  /** overrides the mode's last-number fallback */
  lastNumberFallback?: boolean;
  /**
   * the texts of a multiple-choice problem's options, for A, B, C...: a letter then matches a gold given as the
   * option's text, and an option's text matches a gold letter
   */
  choices?: readonly string[];
}

export interface Judgement {
  equal: boolean;
  /** the answer taken from the response, or null when none was found */
  predAnswer: string | null;
  /** the answer taken from the gold (a worked solution's last box, a "$...$" span, or the gold itself) */
  goldAnswer: string | null;
}

/** Judges a whole model response against a gold answer. Deterministic; never throws. */
export function judge(response: string, gold: string | number, options: JudgeOptions = {}): Judgement {
  try {
    const mode: JudgeMode = options.mode === 'strict' ? 'strict' : 'lenient';
    const lastNumberFallback = options.lastNumberFallback ?? mode === 'lenient';
    const readReasoning = mode === 'lenient';
    const predAnswer = extractAnswer(response, { lastNumberFallback, readReasoning });
    const goldText = typeof gold === 'number' && Number.isFinite(gold) ? String(gold) : gold;
    const goldAnswer = typeof goldText === 'string' ? extractGoldAnswer(goldText) : null;
    if (goldAnswer === null) return { equal: false, predAnswer, goldAnswer };
    const letter = goldLetter(goldAnswer);
    if (letter !== null && (predAnswer === null || pickedLetter(predAnswer) === null) && typeof response === 'string') {
      // a gold option letter against a response that names its letter in prose ("therefore I think it's B")
      const text = answerPart(response, readReasoning);
      const picked = letterInResponse(text, answerAfterPhrase(text, false)?.answer ?? null);
      if (picked !== null) return { equal: picked === letter, predAnswer: picked, goldAnswer };
    }
    if (predAnswer === null) return { equal: false, predAnswer, goldAnswer };
    const equalOptions = { roundedDecimals: mode === 'lenient' };
    let equal = answersEqual(predAnswer, goldAnswer, equalOptions);
    if (!equal && letter !== null) equal = pickedLetter(predAnswer) === letter;
    if (!equal && options.choices && options.choices.length > 0) {
      // a letter against the option's text, or the option's text against a letter
      const predText = choiceText(predAnswer, options.choices);
      const goldOption = choiceText(goldAnswer, options.choices);
      if (predText !== null && goldOption === null) equal = answersEqual(predText, goldAnswer, equalOptions);
      else if (goldOption !== null && predText === null) equal = answersEqual(predAnswer, goldOption, equalOptions);
    }
    return { equal, predAnswer, goldAnswer };
  } catch {
    return { equal: false, predAnswer: null, goldAnswer: null };
  }
}
