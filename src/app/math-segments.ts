// Splits model output or a problem statement into plain text and math, by the delimiters math text uses:
// $$...$$ and \[...\] (display), $...$ and \(...\) (inline). An unclosed delimiter is left as plain text.

export type Segment = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean };

const DELIMITERS: { open: string; close: string; display: boolean }[] = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
  { open: '$', close: '$', display: false },
];

export function splitMath(text: string): Segment[] {
  const segments: Segment[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    for (const d of DELIMITERS) {
      if (!text.startsWith(d.open, i)) continue;
      // "\$" is an escaped dollar sign, not math
      if (d.open === '$' && i > 0 && text[i - 1] === '\\') continue;
      const end = text.indexOf(d.close, i + d.open.length);
      if (end < 0 || end === i + d.open.length) continue;
      if (plain) segments.push({ kind: 'text', text: plain });
      plain = '';
      segments.push({ kind: 'math', tex: text.slice(i + d.open.length, end), display: d.display });
      i = end + d.close.length;
      continue outer;
    }
    plain += text[i++];
  }
  if (plain) segments.push({ kind: 'text', text: plain });
  return segments;
}
