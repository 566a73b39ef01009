// What an import did, for people (a text report) and programs (a JSON-able summary): counts, the field mapping,
// where answers came from, and the lines that were skipped or loaded with warnings, each with its reason.
import type { ImportResult } from './importers.ts';
import type { LineReport } from './jsonl.ts';

export interface ImportSummary {
  format: ImportResult['format'];
  layout: ImportResult['layout'];
  counts: ImportResult['counts'];
  /** role → input field, only the roles that were mapped */
  mapped: Record<string, string>;
  answer_sources: Record<string, number>;
  extra_fields: string[];
  notes: string[];
  /** the first reports; `skipped_not_listed` / `warnings_not_listed` count the rest */
  skipped: LineReport[];
  skipped_not_listed: number;
  warnings: LineReport[];
  warnings_not_listed: number;
}

export function importSummary(result: ImportResult, maxReports = 100): ImportSummary {
  const mapped: Record<string, string> = {};
  for (const [role, field] of Object.entries(result.mapping)) if (field !== null) mapped[role] = field;
  return {
    format: result.format,
    layout: result.layout,
    counts: result.counts,
    mapped,
    answer_sources: result.answerSources,
    extra_fields: result.extraFields,
    notes: result.notes,
    skipped: result.skipped.slice(0, maxReports),
    skipped_not_listed: Math.max(0, result.skipped.length - maxReports),
    warnings: result.warnings.slice(0, maxReports),
    warnings_not_listed: Math.max(0, result.warnings.length - maxReports),
  };
}

/** A few lines a person can read: what loaded, how fields were mapped, and why lines were skipped. */
export function formatImportReport(result: ImportResult, label: string, maxReports = 20): string {
  const { counts } = result;
  const lines = [`${label}: loaded ${counts.loaded} of ${counts.records} records (${counts.skipped} skipped, ${counts.warnings} warnings), format ${result.format}`];
  const mapped = Object.entries(result.mapping)
    .filter(([, field]) => field !== null)
    .map(([role, field]) => `${role} ← "${field}"`);
  lines.push(`  fields: ${mapped.length > 0 ? mapped.join(', ') : '(none mapped)'}`);
  for (const [from, n] of Object.entries(result.answerSources)) lines.push(`  answers from ${from}: ${n}`);
  if (result.extraFields.length > 0) lines.push(`  other fields (kept in meta when short): ${result.extraFields.join(', ')}`);
  for (const note of result.notes) lines.push(`  note: ${note}`);
  lines.push(...reportLines('skipped', result.skipped, maxReports));
  lines.push(...reportLines('warning', result.warnings, maxReports));
  return lines.join('\n') + '\n';
}

function reportLines(kind: string, reports: LineReport[], max: number): string[] {
  const out = reports.slice(0, max).map((r) => `  ${kind} ${r.line === 0 ? '(file)' : `line ${r.line}`}: ${r.reason}`);
  if (reports.length > max) out.push(`  ... and ${reports.length - max} more ${kind} lines`);
  return out;
}
