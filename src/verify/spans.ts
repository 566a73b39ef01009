// Math spans of a response: $...$, $$...$$, \(...\), \[...\]. Inline spans ($...$, \(...\)) stay on one
// line; display spans may run over several. An escaped dollar (\$) is text, not a delimiter.

export interface Span {
  start: number;
  end: number;
  content: string;
  display: boolean;
}

/** Index of the next unescaped `$` at or after `from`, or -1. */
function nextDollar(text: string, from: number): number {
  for (let i = text.indexOf('$', from); i >= 0; i = text.indexOf('$', i + 1)) {
    if (!isEscaped(text, i)) return i;
  }
  return -1;
}

/** Whether the character at `i` is preceded by an odd number of backslashes. */
function isEscaped(text: string, i: number): boolean {
  let n = 0;
  while (i - 1 - n >= 0 && text.charCodeAt(i - 1 - n) === 92) n++;
  return n % 2 === 1;
}

/** All math spans, in order; unclosed or (for inline spans) multi-line ones are skipped. Linear time. */
export function mathSpans(text: string, limit = Infinity): Span[] {
  const spans: Span[] = [];
  let i = 0;
  // the next \( and \[ are searched again only once passed, so the scan stays linear
  let paren = -2;
  let bracket = -2;
  while (i < text.length) {
    const dollar = nextDollar(text, i);
    if (paren !== -1 && paren < i) paren = text.indexOf('\\(', i);
    if (bracket !== -1 && bracket < i) bracket = text.indexOf('\\[', i);
    const candidates = [dollar, paren, bracket].filter((x) => x >= 0);
    if (candidates.length === 0) break;
    const at = Math.min(...candidates);
    if (at !== dollar && isEscaped(text, at)) {
      i = at + 2;
      continue;
    }
    let span: Span | null = null;
    let resume = at + 1;
    if (at === dollar) {
      const display = text[at + 1] === '$';
      const open = display ? 2 : 1;
      const close = display ? text.indexOf('$$', at + 2) : nextDollar(text, at + 1);
      if (close < 0) break;
      const content = text.slice(at + open, close);
      resume = close + open;
      if (display || !content.includes('\n')) span = { start: at, end: resume, content, display };
      // an inline span broken over lines: its closing `$` may open the next span
      else resume = close;
    } else {
      const closer = at === paren ? '\\)' : '\\]';
      const close = text.indexOf(closer, at + 2);
      if (close < 0) {
        // no closer anywhere after this opener: no later opener of the kind can close either
        if (at === paren) paren = -1;
        else bracket = -1;
        i = at + 2;
        continue;
      }
      const content = text.slice(at + 2, close);
      resume = close + 2;
      const display = at === bracket;
      if (display || !content.includes('\n')) span = { start: at, end: resume, content, display };
    }
    if (span && span.content.trim() !== '') spans.push(span);
    if (spans.length >= limit) break;
    i = resume;
  }
  return spans;
}

/** The whole text when it is one math span ("$\frac{1}{2}$", "\[ x = 5 \]"), else null. */
export function wholeSpan(text: string): string | null {
  const t = text.trim();
  if (!/^(?:\$|\\[([])/.test(t)) return null;
  const spans = mathSpans(t, 1);
  return spans.length === 1 && spans[0].start === 0 && spans[0].end === t.length ? spans[0].content.trim() : null;
}
