// Answer extraction from a whole model response. The order (first that applies wins):
//   1. the last group of \boxed{} / \fbox{} (several boxes joined by "and", commas, \quad: all of them, as a
//      list), unless a "final answer is" / "####" phrase comes after it;
//   2. the text after the last answer phrase ("The final answer is", "The answer is", "Answer:", "####", 答案是);
//   3. the whole response when it is itself a short answer ("\frac{1}{2}", "x = 5", "$1$ and $2$");
//   4. the last math span ($...$, $$...$$, \(...\), \[...\]) — inline spans joined like boxes form a list —
//      unless (lenient) a number comes after it;
//   5. the last number (lenient mode only; `lastNumberFallback`).
// Reasoning inside <think>...</think> is ignored (response.ts).
import { MAX_GROUP, boxesOf, joinsBoxes, lastBoxGroup } from './boxes.ts';
import { answerAfterPhrase, isBareAnswer, lastNumber } from './prose.ts';
import { ANSWER_TAIL_CHARS, answerPart, tail } from './response.ts';
import { mathSpans, wholeSpan } from './spans.ts';

export interface ExtractOptions {
  /** when nothing else marks the answer, take the last number of the response (default true) */
  lastNumberFallback?: boolean;
  /** read the reasoning of a response that has nothing after `</think>` (default true; false in the strict mode) */
  readReasoning?: boolean;
}

/**
 * Content of the last `\boxed{...}` or `\fbox{...}` (nested braces handled), or of the `\boxed 5` form
 * (the next token, up to whitespace or `$`). Null when there is none or its braces are unbalanced.
 */
export function lastBoxedContent(text: string): string | null {
  if (typeof text !== 'string') return null;
  const boxes = boxesOf(text, 1);
  return boxes.length === 1 ? boxes[0].content : null;
}

/**
 * The answer held by the last group of boxes: one box's content, or the contents of several boxes that form
 * one answer joined with ", " ("\boxed{-2} and \boxed{1}" gives "-2, 1"). Null when there is no closed box
 * or every box of the group is empty.
 */
export function boxedAnswer(text: string): string | null {
  if (typeof text !== 'string') return null;
  const parts = lastBoxGroup(text).map((box) => box.content).filter((c) => c !== '');
  return parts.length === 0 ? null : parts.join(', ');
}

/** The final answer of a model response (see the order above). Null when none applies. Never throws. */
export function extractAnswer(response: string, options: ExtractOptions = {}): string | null {
  try {
    if (typeof response !== 'string') return null;
    const fallback = options.lastNumberFallback !== false;
    const text = answerPart(response, options.readReasoning !== false);
    const group = lastBoxGroup(text);
    const boxed = group.map((box) => box.content).filter((c) => c !== '');
    const phrase = answerAfterPhrase(text, fallback);
    if (boxed.length > 0) {
      const lastEnd = group[group.length - 1].end;
      const overrides = phrase !== null && phrase.strong && phrase.index >= lastEnd && !phrase.fromProse;
      return overrides ? phrase.answer : boxed.join(', ');
    }
    if (phrase !== null) return phrase.answer;
    const trimmed = text.trim();
    if (trimmed === '') return null;
    // a response with an empty or broken box is not itself an answer
    if (/\\(?:boxed|fbox)(?![A-Za-z])/.test(trimmed)) return fallback ? lastNumber(text) : null;
    const whole = wholeSpan(trimmed);
    if (whole !== null) return whole;
    if (isBareAnswer(trimmed)) return trimmed;
    const spans = mathSpans(trimmed);
    if (spans.length === 0) return fallback ? lastNumber(text) : null;
    const last = spans[spans.length - 1];
    // lenient: a number written after the last span ("... $x$ ... so there are 12 of them") is the later statement
    const after = fallback ? lastNumber(trimmed.slice(last.end)) : null;
    if (after !== null) return after;
    // inline spans joined like boxes ("$x = 2$ and $x = 3$") form one answer, a list
    let first = spans.length - 1;
    while (first > 0 && spans.length - first < MAX_GROUP && !spans[first].display && !spans[first - 1].display && joinsBoxes(trimmed.slice(spans[first - 1].end, spans[first].start))) first--;
    return spans.slice(first).map((span) => span.content.trim()).join(', ');
  } catch {
    return null;
  }
}

/**
 * The answer of a gold field: the last group of boxes of a worked solution, the answer after a GSM8K "####"
 * line, the content of a gold written as one math span ("$\frac{1}{2}$"), else the gold as written.
 */
export function extractGoldAnswer(gold: string): string | null {
  try {
    if (typeof gold !== 'string') return null;
    const end = tail(gold);
    const boxed = boxedAnswer(end);
    if (boxed !== null) return boxed;
    const hash = /(?:^|\n)\s*####\s*([^\n]+)\s*$/.exec(end);
    if (hash) return hash[1].trim();
    const trimmed = gold.trim();
    if (trimmed === '') return null;
    return (trimmed.length <= 2 * ANSWER_TAIL_CHARS ? wholeSpan(trimmed) : null) ?? trimmed;
  } catch {
    return null;
  }
}
