// Reading an answer out of a response's prose: the text after "The answer is" / "Final answer:" /
// "Answer:" / "####", whether a whole response is a bare answer, and the last number.
import { mathSpans, wholeSpan } from './spans.ts';

// "The answer is", "The final answer is", "Final answer:", "Answer:", "answer is:" ..., GSM8K's "####", and
// 答案是 / 答案为 / 答案：/ 最终答案 ("the answer is"), "la réponse est", "la respuesta es", "die Antwort ist".
const PHRASE_RE = /(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is\s*:?|:)|####|(?:最终)?答案\s*(?:是|为|:|：)|(?:la\s+)?réponse\s*(?:finale\s*)?(?:est\s*:?|:)|(?:la\s+)?respuesta\s*(?:final\s*)?(?:es\s*:?|:)|(?:die\s+)?antwort\s*(?:ist\s*:?|:))[ \t]*/gi;
/** A word every phrase of PHRASE_RE contains. */
const PHRASE_KEYWORD = /answer|####|答案|réponse|respuesta|antwort/i;
/** Phrases that close a response; one after the last box overrides the box. */
const STRONG_PHRASE = /final|####|最终/i;

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
  // words in scripts other than Latin (Chinese, Arabic, Devanagari, ...) are prose too
  if (/(?:(?![\x00-\x7F])\p{L}){2,}/u.test(token) || /^[^\x00-\x7F]*(?![\x00-\x7F])\p{L}[^\x00-\x7F]*$/u.test(token)) return true;
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
  // one token is an answer ("Monday"), unless it is a sentence written without spaces (Chinese)
  if (parts.length <= 1) return !NON_LATIN_WORDS.test(text);
  return !parts.some(isProseWord);
}

/** Three non-Latin letters in a row: a sentence in Chinese, Arabic, Devanagari ... rather than one symbol. */
const NON_LATIN_WORDS = /(?:(?![\x00-\x7F])\p{L}){3,}/u;

/**
 * Cuts "5. I hope it is correct." to "5": a sentence ends at ". ", "! " or "? " or at the end of the line
 * (a decimal point is kept: "2.5"; after an answer phrase "!" is punctuation, not a factorial).
 */
function cutSentence(s: string): string {
  const end = /[.!?](?:\s|$)|[。！？]/.exec(s);
  return (end ? s.slice(0, end.index) : s).trim();
}

/**
 * The answer at the start of a phrase's text: a math span there ("$\frac{1}{2}$ of the pie"), else the tokens
 * before the first prose word ("5 because 2 + 3 = 5" -> "5", "12 dollars per week" -> "12 dollars"). When the
 * text starts with prose: what follows its last " is " / " are " / "=" ("The largest $n$ is 34" -> "34"), else
 * its last number when allowed, else the whole text. `fromProse` tells the last two cases apart.
 */
function leadingAnswer(text: string, lastNumberFallback: boolean): { answer: string; fromProse: boolean } {
  const parts = tokens(text);
  const firstWord = parts.findIndex(isProseWord);
  if (firstWord < 0 || parts.length === 1) return { answer: wholeSpan(text) ?? text, fromProse: false };
  if (/^(\$\$?|\\\(|\\\[)/.test(text)) {
    const whole = mathSpans(text);
    if (whole.length > 0 && whole[0].start === 0) return { answer: whole[0].content.trim(), fromProse: false };
  }
  if (firstWord > 0) return { answer: parts.slice(0, firstWord).join(' '), fromProse: false };
  const copula = /^(.*)(?:\s(?:is|are|was|equals|est|es|ist)\s|=|是|为|為)/s.exec(text);
  if (copula && copula[1].length < text.length) {
    const rest = text.slice(copula[0].length).trim();
    if (rest !== '' && !/^(?:\s|[A-Za-z]{2,}\b)/.test(rest)) return leadingAnswer(rest, lastNumberFallback);
  }
  // "Réponse: Janeth aura encore 220 $ à payer d'ici 12 mois": the first number after the phrase
  const first = lastNumberFallback ? firstNumber(text) : null;
  return { answer: first ?? text, fromProse: true };
}

export interface PhraseAnswer {
  answer: string;
  /** where the phrase starts in the text */
  index: number;
  /** a closing phrase ("final answer", "####") rather than "the answer is" */
  strong: boolean;
  /** the phrase is followed by prose, and the answer is a guess from it (its last number, or all of it) */
  fromProse: boolean;
}

/** The last answer phrase of the text: looked for in its last 2,000 characters first (where it usually is). */
function lastPhrase(text: string): RegExpExecArray | null {
  // most responses hold none of the phrases' key words: a plain search for them is much cheaper
  if (!PHRASE_KEYWORD.test(text)) return null;
  const from = Math.max(0, text.length - 2000);
  for (const start of from > 0 ? [from, 0] : [0]) {
    let last: RegExpExecArray | null = null;
    PHRASE_RE.lastIndex = start;
    for (let m = PHRASE_RE.exec(text); m; m = PHRASE_RE.exec(text)) last = m;
    // a phrase that starts just before `from` could end after it: only a match well inside the tail is final
    if (last && (start === 0 || last.index >= from + 40)) return last;
    if (start === 0) return last;
  }
  return null;
}

/** Text after the last answer phrase: the rest of its line (or the next non-empty line), up to the sentence end. */
export function answerAfterPhrase(text: string, lastNumberFallback: boolean): PhraseAnswer | null {
  const last = lastPhrase(text);
  if (!last) return null;
  const after = last.index + last[0].length;
  const rest = text.slice(after, after + 2000);
  const line = rest.split('\n').map((l) => l.trim()).find((l) => l.replace(/[*_:]/g, '') !== '') ?? '';
  const quotes = /^(?:[*_:\s“]|\\?")+|(?:[*_\s”]|\\?")+$/g;
  const cleaned = cutSentence(line.replace(quotes, '')).replace(quotes, '');
  if (cleaned === '') return null;
  const { answer, fromProse } = leadingAnswer(cleaned, lastNumberFallback);
  return { answer, index: last.index, strong: STRONG_PHRASE.test(last[0]), fromProse };
}

/** The first number of the text (see lastNumber), or null. */
export function firstNumber(text: string): string | null {
  const m = /\\[dt]?frac\{\d+\}\{\d+\}|\d[\d,]*(?:\.\d+)?(?:\/\d+)?/.exec(text);
  if (!m) return null;
  return lastNumber(text.slice(Math.max(0, m.index - 2), m.index + m[0].length));
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
  // a mixed number "1 1/2" (a proper fraction after a whole number and one space) is one number
  const mixed = /(?:^|[^\d.,/])(-?\d+) $/.exec(text.slice(Math.max(0, last.index - 24), last.index));
  const fraction = /^(\d+)\/(\d+)$/.exec(last[0]);
  if (mixed && fraction && Number(fraction[1]) < Number(fraction[2])) return `${mixed[1]} ${last[0]}`;
  let s = last[0].replace(/,+$/, '');
  if (s.startsWith('\\')) return text[last.index - 1] === '-' && !/[\w)]/.test(text[last.index - 2] ?? '') ? '-' + s : s;
  if (s.startsWith('-') && /[\w)]/.test(text[last.index - 1] ?? '')) s = s.slice(1);
  // commas that are not thousands separators separate numbers: take the last one; a single comma that
  // cannot be a thousands separator ("2,74", "0,111", "1000,99") is a decimal comma and is kept
  const unsigned = s.replace(/^-/, '');
  const decimalComma = /^\d+,\d+$/.test(unsigned) && !/^[1-9]\d{0,2},\d{3}$/.test(unsigned);
  if (unsigned.includes(',') && !decimalComma && !/^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/.test(unsigned.split('/')[0])) s = s.slice(s.lastIndexOf(',') + 1);
  return s;
}
