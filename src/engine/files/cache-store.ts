// Where downloaded model files are kept so a second load does not download again.
// Keys are full URLs. A store also remembers files the server said do not exist (404), so
// optional files (generation_config.json, a shard index) cost no request on the next load.

/** A cached answer for one URL: the file's bytes, or "the server has no such file". */
export type CachedFile = { bytes: Uint8Array } | { missing: true };

export interface FileCacheStore {
  readonly kind: string;
  get(url: string): Promise<CachedFile | undefined>;
  put(url: string, entry: CachedFile): Promise<void>;
}

/** Kept in this process only; tests and the CLI use it. */
export function memoryCacheStore(): FileCacheStore & { readonly entries: Map<string, CachedFile> } {
  const entries = new Map<string, CachedFile>();
  return {
    kind: 'memory',
    entries,
    get: async (url) => entries.get(url),
    put: async (url, entry) => void entries.set(url, entry),
  };
}

// The Cache API stores Responses; a "missing" answer is an empty 200 response carrying this header.
const MISSING_HEADER = 'x-sai-dpo-missing';

/** The browser's Cache API (also in workers); fails clearly where there is none (Node). */
export function cacheApiStore(cacheName = 'sai-dpo-model-files'): FileCacheStore {
  const open = (): Promise<Cache> => {
    if (typeof caches === 'undefined') throw new Error('cacheApiStore: this environment has no Cache API (caches is undefined)');
    return caches.open(cacheName);
  };
  return {
    kind: 'cache-api',
    async get(url) {
      const response = await (await open()).match(url);
      if (!response) return undefined;
      if (response.headers.get(MISSING_HEADER) === '1') return { missing: true };
      return { bytes: new Uint8Array(await response.arrayBuffer()) };
    },
    async put(url, entry) {
      const cache = await open();
      if ('missing' in entry) {
        await cache.put(url, new Response(null, { headers: { [MISSING_HEADER]: '1' } }));
      } else {
        const body = new Uint8Array(entry.bytes).buffer; // a copy of exactly these bytes
        await cache.put(url, new Response(body, { headers: { 'content-length': String(entry.bytes.length) } }));
      }
    },
  };
}

/** IndexedDB through `idb`: one object store, key = URL, value = CachedFile. */
export function indexedDbStore(databaseName = 'sai-dpo-model-files'): FileCacheStore {
  const storeName = 'files';
  let database: Promise<import('idb').IDBPDatabase> | null = null;
  const open = async () => {
    if (typeof indexedDB === 'undefined') throw new Error('indexedDbStore: this environment has no IndexedDB');
    const { openDB } = await import('idb');
    database ??= openDB(databaseName, 1, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName);
      },
    });
    return database;
  };
  return {
    kind: 'indexeddb',
    async get(url) {
      const value = (await (await open()).get(storeName, url)) as CachedFile | undefined;
      return value;
    },
    async put(url, entry) {
      await (await open()).put(storeName, entry, url);
    },
  };
}

/** The store for a `cache` option: a name picks a built-in store, an object is used as is. */
export function resolveCacheStore(cache: 'cache-api' | 'indexeddb' | 'none' | FileCacheStore | undefined): FileCacheStore | null {
  if (cache === undefined) return typeof caches === 'undefined' ? null : cacheApiStore();
  if (cache === 'none') return null;
  if (cache === 'cache-api') return cacheApiStore();
  if (cache === 'indexeddb') return indexedDbStore();
  return cache;
}
