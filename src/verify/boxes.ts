// Boxed answers: every \boxed{...} / \fbox{...} of a response, and the last group of boxes that together
// form one answer ("\boxed{-2} and \boxed{1}", "\boxed{(2, 2)} \quad \text{and} \quad \boxed{(6, 2)}").

const BOX_RE = /\\(?:boxed|fbox)(?![A-Za-z])/g;

export interface Box {
  /** index of the backslash of \boxed */
  start: number;
  /** index just after the box's closing brace (or its bare token) */
  end: number;
  content: string;
}

/** Index just after the matching `}` for the `{` at `open`, or -1 when the braces never balance. */
export function matchingBraceEnd(text: string, open: number, stopAt = text.length): number {
  let depth = 0;
  for (let i = open; i < stopAt; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++; // an escaped character (\{ or \}) never opens or closes a group
      continue;
    }
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i + 1;
  }
  return -1;
}

/** The box whose command starts at `start` (name ends at `nameEnd`), or null when it is unclosed or malformed. */
function readBox(text: string, start: number, nameEnd: number, stopAt: number): Box | null {
  let i = nameEnd;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\t')) i++;
  if (text[i] === '{') {
    const end = matchingBraceEnd(text, i, stopAt);
    return end < 0 ? null : { start, end, content: text.slice(i + 1, end - 1).trim() };
  }
  // `\boxed 5`: a space is required between the command and a bare token
  if (i === nameEnd) return null;
  const token = /^[^\s$]+/.exec(text.slice(i, i + 200));
  return token ? { start, end: i + token[0].length, content: token[0] } : null;
}

/**
 * The boxes of a text, in order, from the last one backwards until an unclosed box (its braces never
 * balance: everything before it would be read inside it). At most `limit` boxes, the last ones.
 */
export function boxesOf(text: string, limit = 64): Box[] {
  const starts: [number, number][] = [];
  BOX_RE.lastIndex = 0;
  for (let m = BOX_RE.exec(text); m; m = BOX_RE.exec(text)) starts.push([m.index, m.index + m[0].length]);
  const boxes: Box[] = [];
  for (let k = starts.length - 1; k >= 0 && boxes.length < limit; k--) {
    const [start, nameEnd] = starts[k];
    // an earlier box must close before the next one starts (else it contains it: the inner box is the answer),
    // which also keeps the scan linear on "\\boxed{\\boxed{..." chains
    const box = readBox(text, start, nameEnd, boxes.length > 0 ? boxes[0].start : text.length);
    if (!box) {
      if (boxes.length === 0) return [];
      break;
    }
    boxes.unshift(box);
  }
  return boxes;
}

/**
 * What may stand between two boxes of one answer: spaces, commas, semicolons, "and" / "or", \quad, \text{and},
 * "&", "\\" (and a lone backslash, from text escaped twice), and a name with "=" ("$x = \boxed{3}$ or $x = \boxed{-1}$"). Math delimiters ($, \), \[) may stand there too when a comma or a word joins the boxes
 * ("\(\boxed{1}\) and \(\boxed{-2}\)"); boxes in separate math blocks with nothing between them
 * ("$$\boxed{20}$$ \boxed{143}") are separate statements, and the last one is the answer.
 */
const JOINER_TOKEN = /^(?:\s+|,|;|&|\\\\|\\[,;: ]|~|\\quad|\\qquad|and|or|\\(?:text|textrm|mbox|mathrm)\{\s*(?:and|or|,)?\s*\}|\$\$?|\\[()[\]]|\\$|[A-Za-z](?:_\{?\w+\}?)?\s*=)/;

export function joinsBoxes(between: string): boolean {
  if (between.length > 80) return false;
  let rest = between;
  while (rest.length > 0) {
    const m = JOINER_TOKEN.exec(rest);
    if (!m) return false;
    rest = rest.slice(m[0].length);
  }
  const hasDelimiter = /\$|\\[()[\]]/.test(between);
  const hasJoiner = /,|;|\band\b|\bor\b|\\quad|\\qquad|&/.test(between);
  return !hasDelimiter || hasJoiner;
}

/** At most this many boxes (or math spans) form one answer; a longer run keeps its last ones. */
export const MAX_GROUP = 16;

/** The last group of boxes that together give one answer (one box in the common case); empty when none. */
export function lastBoxGroup(text: string): Box[] {
  const boxes = boxesOf(text);
  if (boxes.length === 0) return [];
  let first = boxes.length - 1;
  while (first > 0 && boxes.length - first < MAX_GROUP && joinsBoxes(text.slice(boxes[first - 1].end, boxes[first].start))) first--;
  return boxes.slice(first);
}
