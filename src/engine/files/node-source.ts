// A model folder on the local disk (Node only). node:fs is imported lazily so a browser bundle
// that includes the sources module never pulls it in.
import { ModelFileError } from './errors.ts';
import { fileSegments, joinName } from './source-paths.ts';
import type { ModelSource, ProgressCallback } from './source.ts';

// Reads are chunked so large shards report progress; 16 MiB keeps the number of calls small.
const CHUNK_BYTES = 16 * 1024 * 1024;

export function nodeSource(dir: string): ModelSource {
  const pathOf = async (file: string) => {
    const { join } = await import('node:path');
    return join(dir, ...fileSegments(file, dir));
  };
  return {
    name: dir,
    async has(file) {
      const { stat } = await import('node:fs/promises');
      try {
        return (await stat(await pathOf(file))).isFile();
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    read: async (file, onProgress) => readWithProgress(await pathOf(file), joinName(dir, file), onProgress),
    readText: async (file) => new TextDecoder().decode(await readWithProgress(await pathOf(file), joinName(dir, file))),
  };
}

async function readWithProgress(path: string, displayName: string, onProgress?: ProgressCallback): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isNotFound(err)) throw new ModelFileError(displayName, 'not found');
    throw new ModelFileError(displayName, `cannot open: ${(err as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    const out = new Uint8Array(size);
    let loaded = 0;
    while (loaded < size) {
      const { bytesRead } = await handle.read(out, loaded, Math.min(CHUNK_BYTES, size - loaded), loaded);
      if (bytesRead === 0) throw new ModelFileError(displayName, `the file shrank while reading (${loaded} of ${size} bytes)`);
      loaded += bytesRead;
      onProgress?.(loaded, size);
    }
    if (size === 0) onProgress?.(0, 0);
    return out;
  } finally {
    await handle.close();
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
