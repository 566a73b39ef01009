// sai-dpo import: a JSONL / JSON-array file (or a bundled set) → the normalized problem pool, one Problem per line.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseOptions } from '../args.ts';
import { gunzipText } from '../../data/pool/gzip.ts';
import { BUNDLED_SETS, loadBundledSet } from '../../data/pool/bundled.ts';
import { IMPORT_FORMATS, importProblems, type ImportFormat, type ImportResult } from '../../data/pool/importers.ts';
import { ROLES, type Role } from '../../data/pool/fields.ts';
import { formatImportReport, importSummary } from '../../data/pool/summary.ts';

export const summary = 'import a JSONL problem set (GSM8K, MATH, any JSONL) into the normalized problem pool';

export const usage = `usage: sai-dpo import --input FILE --out POOL.jsonl [options]
       sai-dpo import --bundled NAME --out POOL.jsonl

Reads JSONL (or a JSON array; .gz files too), maps fields by name and writes one problem per line
({"id", "question", "answer", ...}) in input order. Lines that cannot be mapped are reported with
their line number and reason; the others still load. A JSON summary line goes to stdout, a readable
report to stderr. Exit code 0 when at least one problem loaded, 1 otherwise.

options:
  --input FILE         the file to import
  --bundled NAME       a bundled set instead: ${Object.keys(BUNDLED_SETS).join(', ')}
  --out FILE           where to write the pool (JSONL)
  --format F           auto (default) | gsm8k | math | jsonl
  --source NAME        the problems' source (default: the file name without extensions)
  --id-prefix P        ids are P/<id field or row index> (default: the source)
  --fields MAP         explicit field names, e.g. question=Problem,answer=Final_Answer
                       (roles: ${ROLES.join(', ')})
  --max-reports N      skipped/warning lines listed in the report (default 20)
`;

/** Files larger than this are refused rather than read into one string. */
const MAX_INPUT_BYTES = 400_000_000;

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    input: { type: 'string' },
    bundled: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string', default: 'auto' },
    source: { type: 'string' },
    'id-prefix': { type: 'string' },
    fields: { type: 'string' },
    'max-reports': { type: 'string', default: '20' },
  });
  const out = values.out;
  if (!out) throw new Error('--out is required (the pool file to write)');
  if (!values.input === !values.bundled) throw new Error('give exactly one of --input FILE or --bundled NAME');
  const maxReports = parseCount(values['max-reports'] ?? '20', 'max-reports');
  const { result, label } = values.bundled
    ? { result: await loadBundledSet(values.bundled), label: values.bundled }
    : await importFile(values.input!, values);
  await writeFile(out, result.problems.map((p) => JSON.stringify(p) + '\n').join(''));
  process.stderr.write(formatImportReport(result, label, maxReports));
  process.stdout.write(JSON.stringify({ input: label, out, ...importSummary(result, maxReports) }) + '\n');
  if (result.problems.length === 0) {
    process.stderr.write(`sai-dpo import: no problem could be loaded from ${label}\n`);
    return 1;
  }
  return 0;
}

async function importFile(path: string, values: Record<string, string | undefined>): Promise<{ result: ImportResult; label: string }> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new Error(`--input ${path}: no such file`);
  if (info.size > MAX_INPUT_BYTES) throw new Error(`--input ${path}: ${(info.size / 1e6).toFixed(0)} MB is over the ${MAX_INPUT_BYTES / 1e6} MB limit; split the file`);
  const text = await gunzipText(new Uint8Array(await readFile(path)));
  const source = values.source ?? basename(path).replace(/(\.jsonl?|\.gz|\.txt)+$/i, '');
  const result = importProblems(text, {
    source,
    format: parseFormat(values.format ?? 'auto'),
    idPrefix: values['id-prefix'] ?? source,
    fields: values.fields ? parseFieldMap(values.fields) : undefined,
  });
  return { result, label: path };
}

function parseFormat(value: string): ImportFormat {
  if (!(IMPORT_FORMATS as readonly string[]).includes(value)) throw new Error(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${value}"`);
  return value as ImportFormat;
}

/** "question=Problem,answer=Final Answer" → { question: "Problem", answer: "Final Answer" } */
function parseFieldMap(text: string): Partial<Record<Role, string>> {
  const map: Partial<Record<Role, string>> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const role = part.slice(0, eq).trim();
    const field = part.slice(eq + 1).trim();
    if (eq < 0 || field === '') throw new Error(`--fields: "${part}" is not role=field`);
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--fields: unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    map[role as Role] = field;
  }
  return map;
}

function parseCount(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return n;
}
