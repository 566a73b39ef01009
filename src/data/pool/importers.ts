// The importer: text (JSONL or a JSON array) → Problems, for GSM8K, MATH / MATH-500 and any JSONL whose fields can
// be mapped by name. Works on strings only, so the browser and Node share it. Never throws on bad input: lines that
// cannot be mapped are reported with their line number and reason, and the others still load.
import type { Problem } from '../problem.ts';
import { DEFAULT_CANDIDATES, mapFields, unmappedFields, type Candidates, type FieldMapping, type Role } from './fields.ts';
import { readJsonRecords, type JsonRecord, type LineReport, type ReadResult } from './jsonl.ts';
import { recordToProblem } from './record.ts';
import { hasHashLine } from './answers.ts';

export const IMPORT_FORMATS = ['auto', 'gsm8k', 'math', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ResolvedFormat = Exclude<ImportFormat, 'auto'>;

export interface ImportOptions {
  /** where the problems come from: "gsm8k", "math", or the uploaded file's name; also the default id prefix */
  source: string;
  format?: ImportFormat;
  /** ids are `${idPrefix}/${id field or record index}`; default: source */
  idPrefix?: string;
  /** take ids from an id field (id / unique_id / ...) when present; default true. Bundled sets use the index. */
  useIdField?: boolean;
  /** explicit field names for some roles, e.g. { question: "Problem", answer: "Final Answer" } */
  fields?: Partial<Record<Role, string>>;
}

export interface ImportResult {
  problems: Problem[];
  format: ResolvedFormat;
  layout: ReadResult['layout'];
  mapping: FieldMapping;
  /** where answers came from, with counts, e.g. { 'field "answer"': 498, 'last \\boxed{} of "solution"': 2 } */
  answerSources: Record<string, number>;
  /** fields no role reads; scalar values are kept in each problem's meta */
  extraFields: string[];
  /** lines (or array elements) not loaded; line 0 is about the whole file */
  skipped: LineReport[];
  /** lines loaded, with something the user should know (e.g. unbalanced braces in the question) */
  warnings: LineReport[];
  notes: string[];
  counts: { records: number; loaded: number; skipped: number; warnings: number };
}

export const PRESETS: Record<ResolvedFormat, { candidates: Candidates; requireHashAnswer: boolean }> = {
  // openai/grade-school-math: question, answer = solution ending with "#### n"
  gsm8k: { candidates: { ...DEFAULT_CANDIDATES, question: ['question'], answer: ['answer'] }, requireHashAnswer: true },
  // Hendrycks MATH (problem, level, type, solution with \boxed{}) and MATH-500 (plus answer, subject, unique_id)
  math: {
    candidates: {
      ...DEFAULT_CANDIDATES,
      question: ['problem'],
      answer: ['answer'],
      solution: ['solution'],
      subject: ['type', 'subject'],
      level: ['level'],
      id: ['unique_id'],
    },
    requireHashAnswer: false,
  },
  jsonl: { candidates: DEFAULT_CANDIDATES, requireHashAnswer: false },
};

export function importProblems(text: string, options: ImportOptions): ImportResult {
  const read = readJsonRecords(text);
  const format = resolveFormat(options.format ?? 'auto', read.records);
  const preset = PRESETS[format];
  const mapping = mapFields(read.records, preset.candidates, options.fields);
  const extraFields = unmappedFields(read.records, mapping);
  const result: ImportResult = {
    problems: [],
    format,
    layout: read.layout,
    mapping,
    answerSources: {},
    extraFields,
    skipped: [...read.skipped],
    warnings: [],
    notes: [...read.notes],
    counts: { records: 0, loaded: 0, skipped: 0, warnings: 0 },
  };
  if (options.format === 'auto' || options.format === undefined) {
    if (read.records.length > 0) result.notes.push(`format detected: ${format}`);
  }
  if (read.records.length > 0 && mapping.question === null) {
    result.notes.push(`no field could be mapped to the question; fields seen: ${extraFields.join(', ')}`);
  }
  convertRecords(read.records, options, preset.requireHashAnswer, result);
  result.skipped.sort((a, b) => a.line - b.line);
  result.counts = {
    records: read.records.length + read.skipped.filter((s) => s.line > 0).length,
    loaded: result.problems.length,
    skipped: result.skipped.length,
    warnings: result.warnings.length,
  };
  return result;
}

function convertRecords(records: JsonRecord[], options: ImportOptions, requireHashAnswer: boolean, result: ImportResult): void {
  const rules = {
    mapping: result.mapping,
    requireHashAnswer,
    idPrefix: options.idPrefix ?? options.source,
    useIdField: options.useIdField ?? true,
    source: options.source,
    extraFields: result.extraFields,
  };
  const firstLineOfId = new Map<string, number>();
  for (const record of records) {
    const outcome = recordToProblem(record, rules);
    if ('error' in outcome) {
      result.skipped.push({ line: record.line, reason: outcome.error });
      continue;
    }
    const { problem } = outcome;
    const earlier = firstLineOfId.get(problem.id);
    if (earlier !== undefined) {
      result.skipped.push({ line: record.line, reason: `duplicate id "${problem.id}" (first used on line ${earlier})` });
      continue;
    }
    firstLineOfId.set(problem.id, record.line);
    result.problems.push(problem);
    result.answerSources[outcome.answerFrom] = (result.answerSources[outcome.answerFrom] ?? 0) + 1;
    for (const w of outcome.warnings) result.warnings.push({ line: record.line, reason: w });
  }
}

/** auto: GSM8K when answers end in "#### n", MATH when records have problem + solution, otherwise generic JSONL. */
export function resolveFormat(format: ImportFormat, records: JsonRecord[]): ResolvedFormat {
  if (format !== 'auto') return format;
  const sample = records.slice(0, 50).map((r) => r.value);
  if (sample.length === 0) return 'jsonl';
  const share = (test: (v: Record<string, unknown>) => boolean) => sample.filter(test).length / sample.length;
  if (share((v) => typeof v.question === 'string' && typeof v.answer === 'string' && hasHashLine(v.answer)) >= 0.5) return 'gsm8k';
  if (share((v) => typeof v.problem === 'string' && typeof v.solution === 'string') >= 0.5) return 'math';
  return 'jsonl';
}
