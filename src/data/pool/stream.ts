// Streaming import: a JSONL pool of any size, one line at a time, into Problems, with the same rules as
// importProblems (importers.ts: format detection, field mapping, per-record conversion, duplicate ids, line numbers)
// but without the whole text in memory. What differs, because a stream cannot look ahead: the format and the field
// mapping are decided from the first `detectRecords` records (default 1000; importProblems looks at all of them),
// and JSON-array files are refused (convert them to JSONL). Browser-safe: input is any async iterable of text or
// bytes (a File's stream() in the page, a file read stream in Node).
import type { Problem } from '../problem.ts';
import { mapFields, unmappedFields, type FieldMapping } from './fields.ts';
import { PRESETS, resolveFormat, type ImportOptions, type ResolvedFormat } from './importers.ts';
import { MAX_LINE_CHARS, type JsonRecord, type LineReport } from './jsonl.ts';
import { recordToProblem } from './record.ts';

export interface StreamImportOptions extends ImportOptions {
  /** records the format and field mapping are decided from; default 1000 */
  detectRecords?: number;
  /** reports (skipped lines, warnings) kept in the summary; later ones are only counted; default 1000 */
  maxReports?: number;
}

export interface StreamSummary {
  format: ResolvedFormat | null;
  mapping: FieldMapping | null;
  extraFields: string[];
  answerSources: Record<string, number>;
  skipped: LineReport[];
  warnings: LineReport[];
  notes: string[];
  counts: { records: number; loaded: number; skipped: number; warnings: number };
}

/** Lines of UTF-8 text arriving in chunks (bytes or strings); blank lines are yielded too, so numbers stay right. */
export async function* linesOf(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let first = true;
  for await (const chunk of chunks) {
    let text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
      first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      yield stripCr(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield stripCr(rest);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}


/**
 * Problems from JSONL lines, in order. `summary` is filled as the stream goes and complete when it ends: skipped
 * lines with their 1-based numbers and reasons, warnings, counts.
 */
export async function* streamProblems(lines: AsyncIterable<string>, options: StreamImportOptions, summary: StreamSummary = emptySummary()): AsyncGenerator<Problem> {
  const detect = options.detectRecords ?? 1000;
  const maxReports = options.maxReports ?? 1000;
  const report = (list: LineReport[], entry: LineReport) => {
    if (list.length < maxReports) list.push(entry);
  };
  const pending: JsonRecord[] = [];
  let converter: ((record: JsonRecord) => Problem | null) | null = null;
  let lineNumber = 0;
  let index = 0;
  for await (const content of lines) {
    lineNumber++;
    if (content.trim() === '') continue;
    const at = index++;
    summary.counts.records++;
    if (lineNumber === 1 && content.trimStart().startsWith('[')) {
      throw new Error('line 1: the file is a JSON array; the streaming importer reads JSONL (one object per line); convert it, or import it with importProblems');
    }
    const parsed = parseLine(content);
    if (typeof parsed === 'string') {
      summary.counts.skipped++;
      report(summary.skipped, { line: lineNumber, reason: parsed });
      continue;
    }
    const record: JsonRecord = { line: lineNumber, index: at, value: parsed };
    if (converter === null) {
      pending.push(record);
      if (pending.length < detect) continue;
      converter = makeConverter(pending, options, summary, report);
      for (const r of pending.splice(0)) {
        const p = converter(r);
        if (p) yield p;
      }
      continue;
    }
    const problem = converter(record);
    if (problem) yield problem;
  }
  if (converter === null && pending.length > 0) {
    converter = makeConverter(pending, options, summary, report);
    for (const r of pending.splice(0)) {
      const p = converter(r);
      if (p) yield p;
    }
  }
  if (summary.counts.records === 0) {
    summary.counts.skipped++;
    report(summary.skipped, { line: 0, reason: 'the file is empty (no records)' });
  }
  // lines read while the format was being detected were reported out of order
  summary.skipped.sort((a, b) => a.line - b.line);
  summary.warnings.sort((a, b) => a.line - b.line);
}

export function emptySummary(): StreamSummary {
  return { format: null, mapping: null, extraFields: [], answerSources: {}, skipped: [], warnings: [], notes: [], counts: { records: 0, loaded: 0, skipped: 0, warnings: 0 } };
}

/** Decides format and mapping from the first records, then converts each record as importProblems does. */
function makeConverter(first: JsonRecord[], options: StreamImportOptions, summary: StreamSummary, report: (list: LineReport[], e: LineReport) => void) {
  const format = resolveFormat(options.format ?? 'auto', first);
  const preset = PRESETS[format];
  const mapping = mapFields(first, preset.candidates, options.fields);
  const extraFields = unmappedFields(first, mapping);
  summary.format = format;
  summary.mapping = mapping;
  summary.extraFields = extraFields;
  if ((options.format ?? 'auto') === 'auto') summary.notes.push(`format detected: ${format} (from the first ${first.length} records)`);
  if (mapping.question === null) summary.notes.push(`no field could be mapped to the question; fields seen: ${extraFields.join(', ')}`);
  const rules = {
    mapping,
    requireHashAnswer: preset.requireHashAnswer,
    idPrefix: options.idPrefix ?? options.source,
    useIdField: options.useIdField ?? true,
    source: options.source,
    extraFields,
  };
  const firstLineOfId = new Map<string, number>();
  return (record: JsonRecord): Problem | null => {
    const outcome = recordToProblem(record, rules);
    if ('error' in outcome) {
      summary.counts.skipped++;
      report(summary.skipped, { line: record.line, reason: outcome.error });
      return null;
    }
    const { problem } = outcome;
    const earlier = firstLineOfId.get(problem.id);
    if (earlier !== undefined) {
      summary.counts.skipped++;
      report(summary.skipped, { line: record.line, reason: `duplicate id "${problem.id}" (first used on line ${earlier})` });
      return null;
    }
    firstLineOfId.set(problem.id, record.line);
    summary.counts.loaded++;
    summary.answerSources[outcome.answerFrom] = (summary.answerSources[outcome.answerFrom] ?? 0) + 1;
    for (const w of outcome.warnings) {
      summary.counts.warnings++;
      report(summary.warnings, { line: record.line, reason: w });
    }
    return problem;
  };
}

/** The parsed object, or why the line is not one (the same reasons as jsonl.ts gives). */
function parseLine(content: string): Record<string, unknown> | string {
  if (content.length > MAX_LINE_CHARS) return `line is ${(content.length / 1_000_000).toFixed(1)} MB long, over the ${(MAX_LINE_CHARS / 1_000_000).toFixed(1)} MB limit`;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null) return `expected a JSON object, got ${value === null ? 'null' : typeof value}`;
  if (Array.isArray(value)) return 'expected a JSON object, got an array';
  return value as Record<string, unknown>;
}
