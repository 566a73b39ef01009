// Where a model folder's files come from: a Node directory, a URL (with a cache), the Hugging Face
// hub, memory, or a subfolder of any of these. Everything above this layer reads through ModelSource.
import { ModelFileError } from './errors.ts';
import { fileSegments, joinName } from './source-paths.ts';

export type ProgressCallback = (loaded: number, total: number | null) => void;

export interface ModelSource {
  /** The path or URL, used in error messages. */
  readonly name: string;
  has(file: string): Promise<boolean>;
  read(file: string, onProgress?: ProgressCallback): Promise<Uint8Array>;
  readText(file: string): Promise<string>;
}

export { nodeSource } from './node-source.ts';
export { urlSource, hubSource, type UrlSourceOptions, type HubSourceOptions } from './url-source.ts';
export { memoryCacheStore, cacheApiStore, indexedDbStore, type FileCacheStore, type CachedFile } from './cache-store.ts';

/** Files held in memory (an upload, files just written): name → bytes. */
export function memorySource(files: Map<string, Uint8Array>, name = 'memory'): ModelSource {
  const get = (file: string): Uint8Array => {
    fileSegments(file, name);
    const bytes = files.get(file);
    if (!bytes) throw new ModelFileError(joinName(name, file), 'not found');
    return bytes;
  };
  return {
    name,
    has: async (file) => {
      fileSegments(file, name);
      return files.has(file);
    },
    read: async (file, onProgress) => {
      const bytes = get(file);
      onProgress?.(bytes.length, bytes.length);
      return bytes;
    },
    readText: async (file) => new TextDecoder().decode(get(file)),
  };
}

/** The subfolder `dir` of another source (e.g. an adapter stored next to its base model). */
export function subSource(parent: ModelSource, dir: string): ModelSource {
  fileSegments(dir, parent.name);
  const inner = (file: string) => `${dir}/${file}`;
  return {
    name: joinName(parent.name, dir),
    has: (file) => parent.has(inner(file)),
    read: (file, onProgress) => parent.read(inner(file), onProgress),
    readText: (file) => parent.readText(inner(file)),
  };
}

/** Reads an optional file: its text, or null when the source does not have it. */
export async function readOptionalText(source: ModelSource, file: string): Promise<string | null> {
  return (await source.has(file)) ? source.readText(file) : null;
}
