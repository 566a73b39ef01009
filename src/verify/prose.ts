// Reading an answer out of a response's prose: the text after "The answer is" / "Final answer:" /
// "Answer:" / "####", whether a whole response is a bare answer, and the last number.

// "The answer is", "The final answer is", "Final answer:", "Answer:", "answer is:" ... and GSM8K's "####"
const PHRASE_RE = /(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is\s*:?|:)|####)[ \t]*/gi;

const CONNECTIVES = new Set(['or', 'and']);
const UNIT_WORD = /^(?:cm|mm|km|m|meters?|metres?|inch(?:es)?|ft|feet|yards?|miles?|mph|kg|g|grams?|lbs?|pounds?|ounces?|oz|hours?|minutes?|seconds?|days?|weeks?|months?|years?|dollars?|cents?|units?|degrees?|sq|square|cubic|liters?|litres?|ml)$/i;

/** Splits at whitespace outside braces, so "\text{ cm}" stays one token. */
function tokens(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (/\s/.test(c) && depth === 0) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** A plain English word of prose (not a unit, not "or"/"and", not math): "because", "the", "apples". */
function isProseWord(token: string): boolean {
  const m = /^\**([A-Za-z]{2,})[.,;:!?]?\**$/.exec(token);
  return m !== null && !CONNECTIVES.has(m[1].toLowerCase()) && !UNIT_WORD.test(m[1]);
}

/**
 * A response that is itself an answer ("\frac{1}{2}", "x = 5", "(1, 2)", "5 cm", "Monday"), not a sentence:
 * one short line, a single token or without prose words.
 */
export function isBareAnswer(text: string): boolean {
  if (text.length > 200 || text.includes('\n')) return false;
  const parts = tokens(text);
  return parts.length <= 1 || !parts.some(isProseWord);
}

/**
 * Cuts "5. I hope it is correct." to "5": a sentence ends at ". ", "! " or "? " or at the end of the line
 * (a decimal point is kept: "2.5"; after an answer phrase "!" is punctuation, not a factorial).
 */
function cutSentence(s: string): string {
  const end = /[.!?](?:\s|$)/.exec(s);
  return (end ? s.slice(0, end.index) : s).trim();
}

/**
 * The answer at the start of a phrase's text: the tokens before the first prose word ("5 because 2 + 3 = 5"
 * -> "5", "\frac{1}{2} of the pie" -> "\frac{1}{2}", "12 dollars per week" -> "12 dollars"). When the text
 * starts with prose ("we have 3 + 4 = 7"): its last number when allowed, else the whole text.
 */
function leadingAnswer(text: string, lastNumberFallback: boolean): string {
  const parts = tokens(text);
  const firstWord = parts.findIndex(isProseWord);
  if (firstWord < 0 || parts.length === 1) return text;
  if (firstWord > 0) return parts.slice(0, firstWord).join(' ');
  return (lastNumberFallback ? lastNumber(text) : null) ?? text;
}

/** Text after the last answer phrase: the rest of its line (or the next non-empty line), up to the sentence end. */
export function answerAfterPhrase(text: string, lastNumberFallback: boolean): string | null {
  let last: RegExpExecArray | null = null;
  PHRASE_RE.lastIndex = 0;
  for (let m = PHRASE_RE.exec(text); m; m = PHRASE_RE.exec(text)) last = m;
  if (!last) return null;
  const after = last.index + last[0].length;
  const rest = text.slice(after, after + 2000);
  const line = rest.split('\n').map((l) => l.trim()).find((l) => l.replace(/[*_:]/g, '') !== '') ?? '';
  const cleaned = cutSentence(line.replace(/^[*_:\s]+|[*_\s]+$/g, ''));
  return cleaned === '' ? null : leadingAnswer(cleaned, lastNumberFallback);
}

/**
 * The last number of the text: "-3", "1,234.5", "3/4", "\frac{3}{4}"; a minus sign right after a digit,
 * letter or ")" is a subtraction, not a sign.
 */
export function lastNumber(text: string): string | null {
  const re = /\\[dt]?frac\{\d+\}\{\d+\}|-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  let s = last[0].replace(/,+$/, '');
  if (s.startsWith('\\')) return text[last.index - 1] === '-' && !/[\w)]/.test(text[last.index - 2] ?? '') ? '-' + s : s;
  if (s.startsWith('-') && /[\w)]/.test(text[last.index - 1] ?? '')) s = s.slice(1);
  // commas that are not thousands separators separate numbers: take the last one
  const unsigned = s.replace(/^-/, '');
  if (unsigned.includes(',') && !/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(unsigned.split('/')[0])) s = s.slice(s.lastIndexOf(',') + 1);
  return s;
}
