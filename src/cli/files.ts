// The commands' files: one input reader (text checked the same way for every command) and folder writing that
// never leaves a half-written result.
import { access, constants, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isGzip } from '../data/pool/gzip.ts';

/** Input that cannot be read as text: unreadable, binary, UTF-16 or invalid UTF-8. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A line of an input file: its 1-based number and its text (without the line break). */
export interface InputLine {
  line: number;
  text: string;
}

/** Files larger than this are refused rather than read into one string. */
const MAX_INPUT_BYTES = 400_000_000;

/** The raw bytes of `path` ('-' reads standard input), with errors that name the file. */
export async function readInputBytes(path: string, what = 'input file'): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
  const info = await stat(resolve(path)).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${what} ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.code ?? String(error)}`);
  });
  if (!info.isFile()) throw new InputError(`cannot read ${what} ${path}: not a file`);
  if (info.size > MAX_INPUT_BYTES) throw new InputError(`${what} ${path}: ${(info.size / 1e6).toFixed(0)} MB is over the ${MAX_INPUT_BYTES / 1e6} MB limit; split the file`);
  try {
    return new Uint8Array(await readFile(resolve(path)));
  } catch (error) {
    throw new InputError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The text of `path`: see decodeInputText. gzip files are left to the caller (only `import` reads them). */
export async function readInputText(path: string, what = 'input file'): Promise<string> {
  return decodeInputText(await readInputBytes(path, what), path === '-' ? 'standard input' : path);
}

/**
 * UTF-8 text of an input file. A UTF-8 byte-order mark is dropped; UTF-16, binary files (NUL bytes) and
 * invalid UTF-8 are errors that say where (1-based line), never silently replaced characters.
 */
export function decodeInputText(bytes: Uint8Array, name: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${name}: the file is UTF-16 text; save it as UTF-8`);
  }
  if (isGzip(bytes)) throw new InputError(`${name}: the file is gzip-compressed; decompress it first (gunzip)`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = looksUtf16(bytes);
    throw new InputError(utf16
      ? `${name}: the file looks like UTF-16 text (NUL bytes between characters); save it as UTF-8`
      : `${name}: the file looks binary (a NUL byte at line ${lineAt(bytes, nul)}), not text`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) throw new InputError(`${name}: line ${lineAt(bytes, bad)}: invalid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}); save the file as UTF-8`);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

/** Every line of `text` with its 1-based number; "\r\n" ends a line like "\n"; the final line break opens no line. */
export function splitLines(text: string): InputLine[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

/** One JSONL line as a JSON object, or the reason it is not one (blank lines included). */
export function parseJsonObjectLine(text: string): { value: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { error: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object' };
  return { value: value as Record<string, unknown> };
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** UTF-16 without a byte-order mark: most NULs sit at the same parity in the first kilobyte. */
function looksUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) (i % 2 === 0 ? even++ : odd++);
  return Math.max(even, odd) >= n / 4 && Math.min(even, odd) <= Math.max(even, odd) / 10;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // sequence length and the allowed range of the second byte (no overlongs, no surrogates, <= U+10FFFF)
    let n: number, lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n > bytes.length) return i;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/**
 * Checks, before any work, that `dir` can be written as a whole folder: its parent exists or can be made and
 * is writable, and `dir` is not a file. Throws an error naming the path.
 */
export async function checkOutputFolder(dir: string, option = '--out'): Promise<void> {
  const target = resolve(dir);
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isDirectory()) throw new InputError(`${option} ${dir}: exists and is not a folder`);
  const parent = dirname(target);
  try {
    await mkdir(parent, { recursive: true });
    await access(parent, constants.W_OK);
    const probe = await mkdtemp(join(parent, `.${basename(target)}.probe-`));
    await rm(probe, { recursive: true });
  } catch (error) {
    throw new InputError(`${option} ${dir}: cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Writes the files into a new folder beside `dir`, then renames it into place (replacing an existing `dir`
 * only once every file is written): a failure leaves the old folder as it was and nothing half-written.
 * Files of an existing `dir` that are not among `files` are carried over, so nothing else in it is lost, except
 * those `stale` names (files the new ones replace under other names, e.g. the shards of an older checkpoint).
 */
export async function writeFolder(dir: string, files: Map<string, Uint8Array>, stale: (name: string) => boolean = () => false): Promise<void> {
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`));
  try {
    const existing = await readdir(target).catch(() => [] as string[]);
    const written = new Set([...files.keys()].map((name) => name.split('/')[0]));
    for (const entry of existing) {
      if (!written.has(entry) && !stale(entry)) await cp(join(target, entry), join(staging, entry), { recursive: true, preserveTimestamps: true });
    }
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(staging, name)), { recursive: true });
      await writeFile(join(staging, name), bytes);
    }
    await replaceFolder(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Moves `staging` to `target`; an existing `target` is moved aside first and removed after. */
async function replaceFolder(staging: string, target: string): Promise<void> {
  const existing = await stat(target).catch(() => null);
  if (!existing) return rename(staging, target);
  if (!existing.isDirectory()) throw new InputError(`${target} exists and is not a folder`);
  const old = `${staging}.old`;
  await rename(target, old);
  try {
    await rename(staging, target);
  } catch (error) {
    await rename(old, target);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

/** Writes one file beside its final name, then renames it: the old file stays until the new one is complete. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  const temp = `${target}.partial-${process.pid}`;
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
