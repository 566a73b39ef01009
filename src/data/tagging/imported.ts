// Tags made elsewhere (a script, another model, a person): JSONL of {"id": <problem id>, "knowledge_points": [...]}.
// Every line that cannot be used is reported with its number and reason; unknown knowledge-point ids and unknown
// problem ids are reported too, and the usable tags still load.
import type { Problem } from '../problem.ts';
import { readJsonRecords, type LineReport } from '../pool/jsonl.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';

export interface ImportedTags {
  /** problem id → taxonomy ids, in the order given */
  tags: Map<string, string[]>;
  /** lines not used at all */
  skipped: LineReport[];
  /** lines used in part: unknown knowledge-point ids dropped, repeated problem ids merged */
  warnings: LineReport[];
  notes: string[];
}

/** `poolIds`, when given, are the problem ids tags may refer to; others are reported. */
export function importTags(text: string, taxonomy: Taxonomy, poolIds?: ReadonlySet<string>): ImportedTags {
  const read = readJsonRecords(text);
  const result: ImportedTags = { tags: new Map(), skipped: [...read.skipped], warnings: [], notes: [...read.notes] };
  const firstLine = new Map<string, number>();
  for (const { line, value } of read.records) {
    const id = problemIdOf(value.id);
    if (id === null) {
      result.skipped.push({ line, reason: `field "id" is missing or not a string/number` });
      continue;
    }
    if (poolIds && !poolIds.has(id)) {
      result.skipped.push({ line, reason: `no problem with id "${id}" in the pool` });
      continue;
    }
    const points = value.knowledge_points;
    if (!Array.isArray(points) || points.some((p) => typeof p !== 'string')) {
      result.skipped.push({ line, reason: `field "knowledge_points" must be a list of strings` });
      continue;
    }
    const known = (points as string[]).filter((p) => taxonomy.byId.has(p));
    const unknown = (points as string[]).filter((p) => !taxonomy.byId.has(p));
    if (unknown.length > 0) {
      const what = `unknown knowledge-point id${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`;
      if (known.length === 0 && points.length > 0) {
        result.skipped.push({ line, reason: `${what}; none left` });
        continue;
      }
      result.warnings.push({ line, reason: `${what} dropped` });
    }
    const earlier = firstLine.get(id);
    if (earlier !== undefined) result.warnings.push({ line, reason: `id "${id}" already tagged on line ${earlier}; tags merged` });
    else firstLine.set(id, line);
    const merged = result.tags.get(id) ?? [];
    for (const k of known) if (!merged.includes(k)) merged.push(k);
    result.tags.set(id, merged);
  }
  result.skipped.sort((a, b) => a.line - b.line);
  return result;
}

/** Problems with imported tags applied: `replace` sets them, `merge` adds them after the problem's own tags. */
export function applyTags(problems: Problem[], tags: Map<string, string[]>, mode: 'replace' | 'merge' = 'replace'): Problem[] {
  return problems.map((p) => {
    const given = tags.get(p.id);
    if (!given) return p;
    const points = mode === 'merge' ? [...new Set([...(p.knowledge_points ?? []), ...given])] : [...given];
    return { ...p, knowledge_points: points };
  });
}

function problemIdOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
