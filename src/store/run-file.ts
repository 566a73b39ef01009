// One run as one file, for export and import: the same format from the folder store and from IndexedDB.
//
// Layout: the 8 bytes "SAIDPORN", a little-endian u32 with the header's length, the header (UTF-8 JSON:
// { format: 1, run: {id, name, createdAt}, entries: [{ key, kind: "json" | "bytes", length }] }), then each
// entry's bytes in order (JSON values as UTF-8 text).
import type { RunSummary } from '../loop/store.ts';
import { checkKey } from './errors.ts';

const MAGIC = 'SAIDPORN';
const FORMAT = 1;

export interface RunFileEntry {
  key: string;
  value: unknown;
}

export interface RunFile {
  run: Pick<RunSummary, 'id' | 'name' | 'createdAt'>;
  entries: RunFileEntry[];
}

export function encodeRunFile(file: RunFile): Uint8Array {
  const encoder = new TextEncoder();
  const blobs = file.entries.map((e) => (e.value instanceof Uint8Array ? e.value : encoder.encode(JSON.stringify(e.value))));
  const header = encoder.encode(JSON.stringify({
    format: FORMAT,
    run: file.run,
    entries: file.entries.map((e, i) => ({ key: e.key, kind: e.value instanceof Uint8Array ? 'bytes' : 'json', length: blobs[i].length })),
  }));
  const total = 12 + header.length + blobs.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  out.set(encoder.encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let at = 12 + header.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function decodeRunFile(bytes: Uint8Array): RunFile {
  const fail = (why: string): never => {
    throw new Error(`not a SAI-DPO run file: ${why}`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('it does not start with "SAIDPORN"');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) fail('the header is cut short');
  let header: { format?: unknown; run?: RunFile['run']; entries?: { key: string; kind: string; length: number }[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    return fail('the header is not JSON');
  }
  if (header.format !== FORMAT) fail(`format ${String(header.format)} (this version reads format ${FORMAT})`);
  if (!header.run || typeof header.run.id !== 'string' || !Array.isArray(header.entries)) fail('the header has no run or entries');
  let at = 12 + headerLength;
  const entries: RunFileEntry[] = header.entries!.map((e) => {
    checkKey(e.key);
    if (!Number.isInteger(e.length) || e.length < 0 || at + e.length > bytes.length) fail(`entry "${e.key}" runs past the end of the file`);
    const blob = bytes.slice(at, at + e.length);
    at += e.length;
    if (e.kind === 'bytes') return { key: e.key, value: blob };
    if (e.kind !== 'json') fail(`entry "${e.key}" has unknown kind "${e.kind}"`);
    return { key: e.key, value: JSON.parse(new TextDecoder().decode(blob)) };
  });
  if (at !== bytes.length) fail(`${bytes.length - at} bytes after the last entry`);
  return { run: header.run!, entries };
}
