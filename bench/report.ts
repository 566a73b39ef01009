// The bench's output: a plain-text table for the terminal and a JSON record under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './types.ts';

export interface BenchRecord {
  date: string; // ISO 8601
  adapter: string;
  quick: boolean;
  only: string | null;
  node: string;
  rows: BenchRow[];
  /** modules not run, with why (file missing, failed, filtered out) */
  skipped: { module: string; reason: string }[];
}

/** ours / baseline, or null when there is no baseline to compare with. */
export function ratio(row: BenchRow): number | null {
  if (!row.baseline || !(row.baseline.value > 0)) return null;
  return row.value / row.baseline.value;
}

/** Three significant digits, without exponent for the magnitudes a bench produces. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  return v.toFixed(Math.min(digits, 6));
}

const HEADERS = ['group', 'name', 'ours', 'baseline', 'ratio', 'unit'];

function cells(row: BenchRow): string[] {
  const r = ratio(row);
  return [
    row.group,
    row.name,
    formatNumber(row.value),
    row.baseline ? formatNumber(row.baseline.value) : '-',
    r === null ? '-' : `${formatNumber(r)}x`,
    row.unit,
  ];
}

/** The table (columns: group, name, ours, baseline, ratio ours/baseline, unit), then notes and baseline names. */
export function formatTable(rows: BenchRow[]): string {
  if (rows.length === 0) return '(no results)';
  const body = rows.map(cells);
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const notes = rows.flatMap((row, i) => {
    const parts = [row.baseline ? `baseline: ${row.baseline.name}` : '', row.note ?? ''].filter(Boolean);
    return parts.length ? [`  [${i + 1}] ${row.group} / ${row.name}: ${parts.join('; ')}`] : [];
  });
  if (notes.length) out.push('', 'notes:', ...notes);
  return out.join('\n');
}

/** Writes bench-<date>.json and latest.json into `dir`; returns the dated file's path. */
export function writeRecord(dir: string, record: BenchRecord): string {
  mkdirSync(dir, { recursive: true });
  const stamp = record.date.replace(/[:.]/g, '-');
  const path = join(dir, `bench-${stamp}.json`);
  const text = JSON.stringify(record, null, 2) + '\n';
  writeFileSync(path, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return path;
}

/** A figure rounded to 3 decimals for the JSON record. */
export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
