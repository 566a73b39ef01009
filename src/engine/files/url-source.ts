// Model folders over HTTP(S): any base URL, or the Hugging Face hub's
// https://huggingface.co/{repo}/resolve/{revision}/{file} pattern. Downloads stream with progress and
// are kept in a FileCacheStore so the next load reads them from the cache instead of the network.
import { resolveCacheStore, type CachedFile, type FileCacheStore } from './cache-store.ts';
import { ModelFileError } from './errors.ts';
import { fileSegments, joinName } from './source-paths.ts';
import type { ModelSource, ProgressCallback } from './source.ts';

export interface UrlSourceOptions {
  /** Default: the Cache API where there is one, else no cache. */
  cache?: 'cache-api' | 'indexeddb' | 'none' | FileCacheStore;
  fetch?: typeof fetch;
  /** Extra request headers (e.g. Authorization for a gated hub repository). */
  headers?: Record<string, string>;
}

export function urlSource(baseUrl: string, options: UrlSourceOptions = {}): ModelSource {
  const store = resolveCacheStore(options.cache);
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = options.headers ?? {};
  const urlOf = (file: string) => joinName(baseUrl, fileSegments(file, baseUrl).map(encodeURIComponent).join('/'));
  // One download per file at a time, even when has() and read() race.
  const pending = new Map<string, Promise<Uint8Array | null>>();

  // A remembered 404 answers has() (optional files cost no request on the next load), but a file that is
  // read, so required, is asked for again: it may have been added since.
  const fetchFile = async (file: string, onProgress?: ProgressCallback): Promise<Uint8Array | null> => {
    const url = urlOf(file);
    const cached = await store?.get(url);
    if (cached && !('missing' in cached)) {
      onProgress?.(cached.bytes.length, cached.bytes.length);
      return cached.bytes;
    }
    const response = await request(fetchFn, url, { headers });
    if (response.status === 404) {
      await remember(store, url, { missing: true });
      return null;
    }
    if (!response.ok) throw new ModelFileError(url, `HTTP ${response.status} ${response.statusText}`);
    const bytes = await readBody(response, url, onProgress);
    await remember(store, url, { bytes });
    return bytes;
  };

  const fetchOnce = (file: string, onProgress?: ProgressCallback): Promise<Uint8Array | null> => {
    let download = pending.get(file);
    if (!download) {
      download = fetchFile(file, onProgress).finally(() => pending.delete(file));
      pending.set(file, download);
    }
    return download;
  };

  const read = (file: string, onProgress?: ProgressCallback): Promise<Uint8Array> => {
    return fetchOnce(file, onProgress).then((bytes) => {
      if (!bytes) throw new ModelFileError(urlOf(file), 'not found (HTTP 404)');
      return bytes;
    });
  };

  return {
    name: baseUrl,
    async has(file) {
      const url = urlOf(file);
      const cached = await store?.get(url);
      if (cached) return !('missing' in cached);
      const response = await request(fetchFn, url, { method: 'HEAD', headers });
      // A host that refuses HEAD: ask with GET instead (and keep the file, it is usually read next).
      if (response.status === 405 || response.status === 501) return (await fetchOnce(file)) !== null;
      if (response.status === 404) {
        await remember(store, url, { missing: true });
        return false;
      }
      if (!response.ok) throw new ModelFileError(url, `HTTP ${response.status} ${response.statusText}`);
      return true;
    },
    read,
    async readText(file) {
      return new TextDecoder().decode(await read(file));
    },
  };
}

export interface HubSourceOptions extends UrlSourceOptions {
  /** Default https://huggingface.co; tests point it at a local server. */
  endpoint?: string;
  /** A Hugging Face access token for gated or private repositories. */
  token?: string;
}

/** A repository on the Hugging Face hub at a revision (branch, tag or commit). */
export function hubSource(repo: string, revision = 'main', options: HubSourceOptions = {}): ModelSource {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo)) throw new Error(`hubSource: ${JSON.stringify(repo)} is not a repository id like "owner/name"`);
  const endpoint = (options.endpoint ?? 'https://huggingface.co').replace(/\/+$/, '');
  const headers = { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
  return urlSource(`${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/`, { ...options, headers });
}

/** Stores an answer; a full store (quota) only costs the next load a download, so it does not fail this one. */
async function remember(store: FileCacheStore | null, url: string, entry: CachedFile): Promise<void> {
  try {
    await store?.put(url, entry);
  } catch (err) {
    console.warn(`${url}: not cached (${store?.kind}): ${(err as Error).message}`);
  }
}

async function request(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (err) {
    throw new ModelFileError(url, `request failed: ${(err as Error).message}`);
  }
}

/** Reads a response body chunk by chunk, reporting progress against Content-Length when the server sends it. */
async function readBody(response: Response, url: string, onProgress?: ProgressCallback): Promise<Uint8Array> {
  // With Content-Encoding (gzip), Content-Length counts compressed bytes: no usable total then.
  const lengthHeader = response.headers.get('content-length');
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const total = !encoded && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress?.(bytes.length, total ?? bytes.length);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress?.(loaded, total);
    }
  } catch (err) {
    throw new ModelFileError(url, `download interrupted after ${loaded} bytes: ${(err as Error).message}`);
  }
  if (total !== null && loaded !== total) {
    throw new ModelFileError(url, `download incomplete: got ${loaded} of ${total} bytes`);
  }
  return concatenate(chunks, loaded);
}

function concatenate(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let position = 0;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}
