// Answer extraction from a model response: the last \boxed{...} / \fbox{...}, then the
// "The answer is X" / "Final answer: X" / "Answer: X" / "#### X" phrases, then the last number.
import { answerAfterPhrase, isBareAnswer, lastNumber } from './prose.ts';

const BOX_COMMANDS = ['\\boxed', '\\fbox'];

/** Index just after the matching `}` for the `{` at `open`, or -1 when the braces never balance. */
function matchingBraceEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++; // an escaped character (\{ or \}) never opens or closes a group
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Start of the last `\boxed` / `\fbox` command (not a longer command name such as `\fboxsep`), or -1. */
function lastBoxStart(text: string): { start: number; nameEnd: number } | null {
  let best: { start: number; nameEnd: number } | null = null;
  for (const name of BOX_COMMANDS) {
    let from = text.length;
    while (from >= 0) {
      const at = text.lastIndexOf(name, from);
      if (at < 0) break;
      const after = text[at + name.length] ?? '';
      if (!/[A-Za-z]/.test(after)) {
        if (!best || at > best.start) best = { start: at, nameEnd: at + name.length };
        break;
      }
      from = at - 1;
    }
  }
  return best;
}

/**
 * Content of the last `\boxed{...}` or `\fbox{...}` (nested braces handled), or of the `\boxed 5` form
 * (the next token, up to whitespace or `$`). Null when there is none or its braces are unbalanced.
 */
export function lastBoxedContent(text: string): string | null {
  if (typeof text !== 'string') return null;
  const box = lastBoxStart(text);
  if (!box) return null;
  let i = box.nameEnd;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text[i] === '{') {
    const end = matchingBraceEnd(text, i);
    if (end < 0) return null;
    return text.slice(i + 1, end - 1).trim();
  }
  // `\boxed 5`: a space is required between the command and a bare token
  if (i === box.nameEnd) return null;
  const token = /^[^\s$]+/.exec(text.slice(i));
  return token ? token[0] : null;
}

export interface ExtractOptions {
  /** when nothing else marks the answer, take the last number of the response (default true) */
  lastNumberFallback?: boolean;
}

/**
 * The final answer of a model response: the last \boxed{...}, else the text after the last "The answer is" /
 * "Final answer:" / "Answer:" / "####", else the whole response when it is a bare answer ("\frac{1}{2}",
 * "x = 5"), else (unless disabled) the last number. Null when none applies. Never throws.
 */
export function extractAnswer(response: string, options: ExtractOptions = {}): string | null {
  try {
    if (typeof response !== 'string') return null;
    const fallback = options.lastNumberFallback !== false;
    const boxed = lastBoxedContent(response);
    if (boxed !== null && boxed !== '') return boxed;
    const phrase = answerAfterPhrase(response, fallback);
    if (phrase !== null) return phrase;
    const trimmed = response.trim();
    if (trimmed === '') return null;
    // a response with an empty or broken box is not itself an answer
    if (!lastBoxStart(trimmed) && isBareAnswer(trimmed)) return trimmed;
    return fallback ? lastNumber(response) : null;
  } catch {
    return null;
  }
}
