// The data sets shipped with the lab in public/data/ (gzip of the upstream JSONL, byte for byte), loaded through the
// same importer as uploads. Ids are stable: "<set>/<split>/<row index>", e.g. "gsm8k/train/0".
import { gunzipText } from './gzip.ts';
import { importProblems, type ImportResult, type ResolvedFormat } from './importers.ts';

export interface BundledSet {
  /** path under public/data/ */
  file: string;
  source: string;
  format: ResolvedFormat;
  /** rows in the upstream file (MATH train has 2 rows whose \boxed{} is empty; they are reported, not loaded) */
  rows: number;
}

export const BUNDLED_SETS = {
  'gsm8k/train': { file: 'gsm8k/train.jsonl.gz', source: 'gsm8k', format: 'gsm8k', rows: 7473 },
  'gsm8k/test': { file: 'gsm8k/test.jsonl.gz', source: 'gsm8k', format: 'gsm8k', rows: 1319 },
  'math/train': { file: 'math/train.jsonl.gz', source: 'math', format: 'math', rows: 7500 },
  'math/test': { file: 'math/test.jsonl.gz', source: 'math', format: 'math', rows: 5000 },
  'math500/test': { file: 'math500/test.jsonl.gz', source: 'math500', format: 'math', rows: 500 },
} as const satisfies Record<string, BundledSet>;

export type BundledSetName = keyof typeof BUNDLED_SETS;

/** Reads a file under public/data/ (path like "gsm8k/train.jsonl.gz") as bytes. */
export type ByteReader = (path: string) => Promise<Uint8Array>;

export function isBundledSetName(name: string): name is BundledSetName {
  return Object.hasOwn(BUNDLED_SETS, name);
}

/** Loads one bundled set; `readBytes` defaults to fetch in a page or worker and to the file system in Node. */
export async function loadBundledSet(name: string, readBytes: ByteReader = defaultByteReader()): Promise<ImportResult> {
  if (!isBundledSetName(name)) {
    throw new Error(`unknown bundled set "${name}"; the bundled sets are ${Object.keys(BUNDLED_SETS).join(', ')}`);
  }
  const set: BundledSet = BUNDLED_SETS[name];
  const text = await gunzipText(await readBytes(set.file));
  return importProblems(text, { source: set.source, format: set.format, idPrefix: name, useIdField: false });
}

export function defaultByteReader(): ByteReader {
  return isNode() ? readFromPublicFolder : fetchFromSite;
}

/** Node: public/data/ of this checkout, found relative to this module. */
async function readFromPublicFolder(path: string): Promise<Uint8Array> {
  const fsModule = 'node:fs/promises';
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const url = new URL(`../../../public/data/${path}`, import.meta.url);
  return new Uint8Array(await readFile(url));
}

/** Browser: Vite serves public/ at the site's base URL. */
async function fetchFromSite(path: string): Promise<Uint8Array> {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  const url = `${base}data/${path}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
