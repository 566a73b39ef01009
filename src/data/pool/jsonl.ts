// Reads JSONL (or a JSON array, which users often upload instead) from text into records, never throwing:
// every line that cannot be read becomes a report with its line number and reason, and the others still load.

/** A problem with one line (or one array element) of the input; `line` is 1-based, 0 for the whole file. */
export interface LineReport {
  line: number;
  reason: string;
}

export interface JsonRecord {
  /** 1-based line where the record starts */
  line: number;
  /** 0-based position among the input's non-blank records (bad ones included), the basis of stable ids */
  index: number;
  value: Record<string, unknown>;
}

export interface ReadResult {
  /** how the text was read: one JSON value per line, or one JSON array of objects */
  layout: 'jsonl' | 'json-array' | 'empty' | 'binary';
  records: JsonRecord[];
  /** lines (or array elements) that could not be read as objects */
  skipped: LineReport[];
  /** facts about the whole file worth telling the user, e.g. "read as a JSON array of 12 elements" */
  notes: string[];
}

/** Lines longer than this (in UTF-16 code units, ~bytes for ASCII) are reported rather than parsed. */
export const MAX_LINE_CHARS = 1_000_000;

export function readJsonRecords(text: string): ReadResult {
  if (typeof text !== 'string') return fileLevel('empty', `input is not text (got ${typeof text})`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a UTF-8 byte-order mark
  if (body.trim() === '') return fileLevel('empty', 'the file is empty (no records)');
  const binary = binaryReason(body);
  if (binary) return fileLevel('binary', binary);
  const result = readBody(body);
  const encoding = encodingNote(body);
  if (encoding) result.notes.push(encoding);
  return result;
}

/** JSONL, or a JSON array / one pretty-printed object when the text is one. */
function readBody(body: string): ReadResult {
  const start = body.trimStart();
  if (start.startsWith('[')) {
    const array = readJsonArray(body);
    if (array) return array;
  }
  if (start.startsWith('{') && firstLineIsIncomplete(start)) {
    const whole = readWholeObject(body);
    if (whole) return whole;
  }
  return readLines(body);
}

function firstLineIsIncomplete(text: string): boolean {
  const newline = text.indexOf('\n');
  return newline >= 0 && typeof parseObject(text.slice(0, newline)) === 'string';
}

/**
 * A pretty-printed JSON object spanning many lines: one record, or, when it wraps a list of objects
 * (`{"data": [...]}`), that list. Null when the text is not one JSON object.
 */
function readWholeObject(text: string): ReadResult | null {
  const parsed = parseObject(text);
  if (typeof parsed === 'string') return null;
  const lists = Object.entries(parsed).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isPlainObject));
  if (lists.length === 1) {
    const [name, list] = lists[0] as [string, Record<string, unknown>[]];
    return {
      layout: 'json-array',
      records: list.map((value, index) => ({ line: 1, index, value })),
      skipped: [],
      notes: [`read the ${list.length} objects of the "${name}" list of a JSON object rather than JSONL; line numbers are not available`],
    };
  }
  return {
    layout: 'jsonl',
    records: [{ line: 1, index: 0, value: parsed }],
    skipped: [],
    notes: ['read as one pretty-printed JSON object rather than JSONL (one object per line)'],
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fileLevel(layout: ReadResult['layout'], reason: string): ReadResult {
  return { layout, records: [], skipped: [{ line: 0, reason }], notes: [] };
}

/** Why the text looks binary (NUL bytes, many control characters), or null when it looks like text. */
function binaryReason(text: string): string | null {
  const sample = text.slice(0, 65536);
  const nul = sample.indexOf('\u0000');
  if (nul >= 0) return `the file looks binary (a NUL byte at character ${nul}), not JSONL text`;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    // C0 controls other than tab / newline / CR never occur in JSONL text (JSON escapes them inside strings)
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) controls++;
  }
  if (controls > 8 && controls / sample.length > 0.01) {
    return `the file looks binary (${controls} control characters in the first ${sample.length}), not JSONL text`;
  }
  return null;
}

/** A note when the text holds U+FFFD, the mark of bytes that were not valid UTF-8 (e.g. a Latin-1 file). */
function encodingNote(text: string): string | null {
  let bad = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) bad++;
  return bad === 0 ? null : `${bad} characters were not valid UTF-8 and read as "\ufffd"; save the file as UTF-8 to keep them`;
}

function readLines(text: string): ReadResult {
  const result: ReadResult = { layout: 'jsonl', records: [], skipped: [], notes: [] };
  const lines = text.split('\n');
  let index = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return;
    const at = index++;
    if (content.length > MAX_LINE_CHARS) {
      result.skipped.push({ line, reason: `line is ${megabytes(content.length)} long, over the ${megabytes(MAX_LINE_CHARS)} limit` });
      return;
    }
    const parsed = parseObject(content);
    if (typeof parsed === 'string') result.skipped.push({ line, reason: parsed });
    else result.records.push({ line, index: at, value: parsed });
  });
  if (lines.length > 1 && result.records.length === 0 && result.skipped.length > 1 && looksLikePrettyJson(text)) {
    result.notes.push('no line is a complete JSON value: the file may be pretty-printed JSON rather than JSONL (one object per line)');
  }
  return result;
}

/** The parsed object, or the reason the text is not one JSON object. */
function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null) return `expected a JSON object, got ${value === null ? 'null' : typeof value}`;
  if (Array.isArray(value)) return 'expected a JSON object, got an array';
  return value as Record<string, unknown>;
}

function looksLikePrettyJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function megabytes(chars: number): string {
  return `${(chars / 1_000_000).toFixed(1)} MB`;
}

/**
 * A whole-file JSON array, split into its top-level elements so that one bad element does not lose the others.
 * Null when the text is not a single well-formed array (then it is read line by line, e.g. JSONL whose first
 * line is an array).
 */
function readJsonArray(text: string): ReadResult | null {
  const elements = splitTopLevelArray(text);
  if (!elements) return null;
  const result: ReadResult = {
    layout: 'json-array',
    records: [],
    skipped: [],
    notes: [`read as a JSON array of ${elements.length} elements rather than JSONL; line numbers are where each element starts`],
  };
  elements.forEach((element, index) => {
    if (element.text.length > MAX_LINE_CHARS) {
      result.skipped.push({ line: element.line, reason: `element ${index} is ${megabytes(element.text.length)} long, over the ${megabytes(MAX_LINE_CHARS)} limit` });
      return;
    }
    const parsed = parseObject(element.text);
    if (typeof parsed === 'string') result.skipped.push({ line: element.line, reason: `element ${index}: ${parsed}` });
    else result.records.push({ line: element.line, index, value: parsed });
  });
  return result;
}

interface ArrayElement {
  line: number;
  text: string;
}

/** Top-level element texts of `[ ... ]` (strings and nesting respected), or null when the brackets do not balance. */
function splitTopLevelArray(text: string): ArrayElement[] | null {
  const elements: ArrayElement[] = [];
  let depth = 0;
  let inString = false;
  let line = 1;
  let start = -1;
  let startLine = 1;
  let closed = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && c === ',') {
      if (start >= 0) elements.push({ line: startLine, text: text.slice(start, i) });
      start = -1;
      continue;
    }
    if (depth === 1 && start < 0 && !/[\s\]]/.test(c)) {
      start = i;
      startLine = line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        if (start >= 0) elements.push({ line: startLine, text: text.slice(start, i) });
        closed = i;
        break;
      }
    }
  }
  if (closed < 0 || text.slice(closed + 1).trim() !== '') return null;
  return elements;
}
