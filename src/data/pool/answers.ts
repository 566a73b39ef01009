// Gold answers as text, whatever shape the source gives them in: numbers, strings, lists, a GSM8K `#### n` line,
// or the last \boxed{} of a MATH solution. Each function returns the answer or the reason there is none.
import { lastBoxedContent } from '../../verify/extract.ts';

export type AnswerResult = { answer: string } | { error: string };

/** An answer field's value as text: numbers as written, strings trimmed, lists of scalars joined with ", ". */
export function answerFromValue(value: unknown, field: string): AnswerResult {
  if (value === null || value === undefined) return { error: `field "${field}" is empty` };
  if (typeof value === 'number') return numberAnswer(value, field);
  if (typeof value === 'string') return stringAnswer(value, field);
  if (typeof value === 'boolean') return { error: `field "${field}" is a boolean (${value}), not an answer` };
  if (Array.isArray(value)) return listAnswer(value, field);
  return { error: `field "${field}" is an object, not an answer (expected a number, string or list)` };
}

function numberAnswer(value: number, field: string): AnswerResult {
  if (!Number.isFinite(value)) return { error: `field "${field}" is not a finite number` };
  return { answer: String(value) };
}

function stringAnswer(value: string, field: string): AnswerResult {
  const text = value.trim();
  if (text === '') return { error: `field "${field}" is an empty string` };
  const braces = braceBalance(text);
  if (braces !== 0) return { error: `field "${field}" has unbalanced braces (${describeBalance(braces)}): "${preview(text)}"` };
  return { answer: text };
}

/** Lists: one element is that answer; several (e.g. all roots) are joined with ", " as MATH writes them. */
function listAnswer(values: unknown[], field: string): AnswerResult {
  if (values.length === 0) return { error: `field "${field}" is an empty list` };
  const parts: string[] = [];
  for (const [i, v] of values.entries()) {
    if (typeof v !== 'number' && typeof v !== 'string') {
      return { error: `field "${field}"[${i}] is ${describeValue(v)}, expected a number or string` };
    }
    const one = answerFromValue(v, `${field}[${i}]`);
    if ('error' in one) return one;
    parts.push(one.answer);
  }
  return { answer: parts.join(', ') };
}

const HASH_LINE = /^####\s*(.*)$/;

/**
 * GSM8K: the solution ends with a line `#### 72`. Returns the answer after the last such line (thousands
 * separators removed: "1,600" → "1600") and the worked solution before it.
 */
export function splitHashAnswer(text: string): { answer: string; solution: string } | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = HASH_LINE.exec(lines[i].trim());
    if (!m) continue;
    const answer = stripThousands(m[1].trim());
    if (answer === '') return null;
    return { answer, solution: lines.slice(0, i).join('\n').trim() };
  }
  return null;
}

export function hasHashLine(text: string): boolean {
  return text.split('\n').some((l) => HASH_LINE.test(l.trim()));
}

function stripThousands(text: string): string {
  return /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
}

/** MATH: the content of the solution's last \boxed{...}. */
export function boxedAnswer(solution: string, field: string): AnswerResult {
  if (!/\\(boxed|fbox)(?![A-Za-z])/.test(solution)) return { error: `field "${field}" has no \\boxed{} answer` };
  const content = lastBoxedContent(solution);
  if (content === null) return { error: `field "${field}": the last \\boxed{} is not closed (unbalanced braces)` };
  if (content.trim() === '') return { error: `field "${field}": the last \\boxed{} is empty` };
  return { answer: content.trim() };
}

/** Open minus close braces, ignoring escaped ones (\{ \}); 0 when balanced, and -1 at the first close without an open. */
export function braceBalance(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return -1;
  }
  return depth;
}

export function describeBalance(balance: number): string {
  return balance < 0 ? 'a "}" closes nothing' : `${balance} "{" never closed`;
}

export function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}

/** "null", "a list", "an object", `a string ("…")`, "a number", ... for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string ("${preview(value, 30)}")`;
  return `a ${typeof value}`;
}
