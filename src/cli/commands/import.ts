// sai-dpo import: a JSONL / JSON-array file (or a bundled set) → the normalized problem pool, one Problem per line.
import { basename } from 'node:path';
import { optionsHelp, parseCommandLine, UsageError } from '../args.ts';
import { decodeInputText, InputError, readInputBytes, writeFileAtomic } from '../files.ts';
import { gunzipWithZlib, isGzip } from '../../data/pool/gzip.ts';
import { BUNDLED_SETS, loadBundledSet } from '../../data/pool/bundled.ts';
import { IMPORT_FORMATS, importProblems, type ImportFormat, type ImportResult } from '../../data/pool/importers.ts';
import { ROLES, type Role } from '../../data/pool/fields.ts';
import { formatImportReport, importSummary } from '../../data/pool/summary.ts';

export const summary = 'import a JSONL problem set (GSM8K, MATH, any JSONL) into the normalized problem pool';

const OPTIONS = {
  input: { kind: 'string', placeholder: 'FILE', help: 'the file to import (JSONL, a JSON array, or either gzipped)' },
  bundled: { kind: 'string', placeholder: 'NAME', help: `a bundled set instead: ${Object.keys(BUNDLED_SETS).join(', ')}` },
  out: { kind: 'string', required: true, placeholder: 'FILE', help: 'where to write the pool (JSONL); left untouched when nothing loads' },
  format: { kind: 'string', choices: IMPORT_FORMATS, default: 'auto', help: 'the input\'s layout' },
  source: { kind: 'string', placeholder: 'NAME', help: 'the problems\' source (default: the file name without extensions)' },
  'id-prefix': { kind: 'string', placeholder: 'P', help: 'ids are P/<id field or row index> (default: the source)' },
  fields: { kind: 'string', placeholder: 'MAP', help: `explicit field names, e.g. question=Problem,answer=Final_Answer (roles: ${ROLES.join(', ')})` },
  'max-reports': { kind: 'integer', min: 0, default: 20, help: 'skipped/warning lines listed in the report' },
} as const;

export const usage = `usage: sai-dpo import --input FILE --out POOL.jsonl [options]
       sai-dpo import --bundled NAME --out POOL.jsonl

Reads JSONL (or a JSON array; .gz files too), maps fields by name and writes one problem per line
({"id", "question", "answer", ...}) in input order. Lines that cannot be mapped are reported with
their 1-based line number and reason; the others still load. A JSON summary line goes to stdout, a readable
report to stderr. Exit code 0 when every line loaded, 1 when some lines were skipped or none loaded (then
--out is not written), 2 for a bad option.

options:
${optionsHelp(OPTIONS)}
`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  if (!values.input === !values.bundled) throw new UsageError('give exactly one of --input FILE or --bundled NAME');
  const fields = values.fields ? parseFieldMap(values.fields) : undefined;
  const out = values.out;
  let loaded: { result: ImportResult; label: string };
  try {
    loaded = values.bundled
      ? { result: await loadBundledSet(values.bundled), label: values.bundled }
      : await importFile(values.input!, { ...values, fields });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`sai-dpo import: no problem could be loaded: ${error.message}\n`);
    return 1;
  }
  const { result, label } = loaded;
  process.stderr.write(formatImportReport(result, label, values['max-reports']));
  if (result.problems.length === 0) {
    process.stderr.write(`sai-dpo import: no problem could be loaded from ${label}; ${out} was not written\n`);
    return 1;
  }
  await writeFileAtomic(out, result.problems.map((p) => JSON.stringify(p) + '\n').join(''));
  process.stdout.write(JSON.stringify({ input: label, out, ...importSummary(result, values['max-reports']) }) + '\n');
  return result.skipped.length > 0 ? 1 : 0;
}

async function importFile(path: string, values: { format: string; source?: string; 'id-prefix'?: string; fields?: Partial<Record<Role, string>> }): Promise<{ result: ImportResult; label: string }> {
  const bytes = await readInputBytes(path, '--input');
  const text = decodeInputText(isGzip(bytes) ? await gunzipWithZlib(bytes) : bytes, path);
  const source = values.source ?? basename(path).replace(/(\.jsonl?|\.gz|\.txt)+$/i, '');
  const result = importProblems(text, {
    source,
    format: values.format as ImportFormat,
    idPrefix: values['id-prefix'] ?? source,
    fields: values.fields,
  });
  return { result, label: path };
}

/** "question=Problem,answer=Final Answer" → { question: "Problem", answer: "Final Answer" } */
function parseFieldMap(text: string): Partial<Record<Role, string>> {
  const map: Partial<Record<Role, string>> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const role = part.slice(0, eq).trim();
    const field = part.slice(eq + 1).trim();
    if (eq < 0 || field === '') throw new UsageError(`--fields: "${part}" is not role=field`);
    if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--fields: unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    map[role as Role] = field;
  }
  return map;
}
