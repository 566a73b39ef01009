// Exposes the IndexedDB run store to a Chromium test (test/store/idb-store.test.ts) as window.idbStore.
import { IdbStore } from '../../../src/store/idb-store.ts';
import { StoreQuotaError } from '../../../src/store/errors.ts';

const stores = new Map<string, IdbStore>();
const storeOf = (db: string) => {
  if (!stores.has(db)) stores.set(db, new IdbStore(db));
  return stores.get(db)!;
};

async function call(db: string, method: string, ...args: unknown[]): Promise<unknown> {
  try {
    const store = storeOf(db) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const value = await store[method](...args);
    return { ok: true, value: value instanceof Uint8Array ? { bytes: [...value] } : value };
  } catch (error) {
    return { ok: false, name: error instanceof StoreQuotaError ? 'StoreQuotaError' : (error as Error).name, message: (error as Error).message };
  }
}

(window as unknown as { idbStore: unknown }).idbStore = {
  call,
  /** puts `size` random-ish bytes (incompressible) */
  putBlob: (db: string, runId: string, key: string, size: number) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    return call(db, 'put', runId, key, bytes);
  },
  bytes: (values: number[]) => new Uint8Array(values),
};
document.title = 'ready';
