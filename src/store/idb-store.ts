// The run store in the browser: IndexedDB through idb. Two object stores: "runs" (one summary per run, by id) and
// "entries" (stage outputs, keyed [runId, key]; bytes stay Uint8Array). Every put is one transaction over both, so
// it lands whole or not at all; a QuotaExceededError aborts it, leaves the saved data as it was and becomes a
// StoreQuotaError.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunStore, RunSummary } from '../loop/store.ts';
import { checkKey, StoreQuotaError } from './errors.ts';
import { decodeRunFile, encodeRunFile } from './run-file.ts';

interface RunRecord {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

interface RunsDb extends DBSchema {
  runs: { key: string; value: RunRecord };
  entries: { key: [string, string]; value: unknown };
}

export const DEFAULT_DB_NAME = 'sai-dpo-runs';

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (name === 'AbortError' && /quota/i.test(String((error as Error).message)));
}

/**
 * Ends a transaction that failed with `error`: aborts it (so nothing of it lands), waits for it to settle and says
 * whether the failure was the storage quota.
 */
export async function abortFailed(tx: { abort(): void; done: Promise<void>; error: DOMException | null }, error: unknown): Promise<boolean> {
  try {
    tx.abort();
  } catch {
    // already finished or aborted
  }
  await tx.done.catch(() => {});
  return isQuotaError(error) || isQuotaError(tx.error);
}

function entryRange(runId: string): IDBKeyRange {
  // every [runId, key] with a string key
  return IDBKeyRange.bound([runId, ''], [runId, '\uffff']);
}

export class IdbStore implements RunStore {
  private db: Promise<IDBPDatabase<RunsDb>>;

  constructor(readonly dbName = DEFAULT_DB_NAME) {
    this.db = openDB<RunsDb>(dbName, 1, {
      upgrade(db) {
        db.createObjectStore('runs', { keyPath: 'id' });
        db.createObjectStore('entries');
      },
    });
  }

  async close(): Promise<void> {
    (await this.db).close();
  }

  async put(runId: string, key: string, value: unknown): Promise<void> {
    checkKey(runId, 'run id');
    checkKey(key);
    if (value === undefined) throw new Error(`run store: the value of "${key}" is undefined`);
    const db = await this.db;
    const tx = db.transaction(['runs', 'entries'], 'readwrite');
    const now = new Date().toISOString();
    try {
      const runs = tx.objectStore('runs');
      const run = (await runs.get(runId)) ?? { id: runId, name: runId, createdAt: now, updatedAt: now };
      await runs.put({ ...run, updatedAt: now });
      // JSON values are stored as their JSON form's clone: what a folder store would give back
      await tx.objectStore('entries').put(value instanceof Uint8Array ? value : JSON.parse(JSON.stringify(value)), [runId, key]);
      await tx.done;
    } catch (error) {
      if (await abortFailed(tx, error)) throw new StoreQuotaError(key, error);
      throw error;
    }
  }

  async get<T = unknown>(runId: string, key: string): Promise<T | undefined> {
    return (await (await this.db).get('entries', [runId, key])) as T | undefined;
  }

  async has(runId: string, key: string): Promise<boolean> {
    return (await (await this.db).count('entries', [runId, key])) > 0;
  }

  async keys(runId: string): Promise<string[]> {
    const keys = await (await this.db).getAllKeys('entries', entryRange(runId));
    return keys.map((k) => k[1]).sort();
  }

  async listRuns(): Promise<RunSummary[]> {
    const runs = await (await this.db).getAll('runs');
    const out: RunSummary[] = [];
    for (const run of runs) out.push({ ...run, stages: await this.keys(run.id) });
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async renameRun(runId: string, name: string): Promise<void> {
    const db = await this.db;
    const tx = db.transaction('runs', 'readwrite');
    const run = await tx.store.get(runId);
    if (!run) throw new Error(`run store: no run "${runId}"`);
    await tx.store.put({ ...run, name, updatedAt: new Date().toISOString() });
    await tx.done;
  }

  async deleteRun(runId: string): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['runs', 'entries'], 'readwrite');
    await tx.objectStore('entries').delete(entryRange(runId));
    await tx.objectStore('runs').delete(runId);
    await tx.done;
  }

  async exportRun(runId: string): Promise<Uint8Array> {
    const db = await this.db;
    const run = await db.get('runs', runId);
    if (!run) throw new Error(`run store: no run "${runId}"`);
    const keys = await this.keys(runId);
    const entries = [];
    for (const key of keys) entries.push({ key, value: await db.get('entries', [runId, key]) });
    return encodeRunFile({ run: { id: run.id, name: run.name, createdAt: run.createdAt }, entries });
  }

  /** The whole run in one transaction: a full quota imports nothing. */
  async importRun(bytes: Uint8Array): Promise<string> {
    const file = decodeRunFile(bytes);
    const db = await this.db;
    const taken = new Set(await db.getAllKeys('runs'));
    let id = file.run.id;
    for (let n = 2; taken.has(id); n++) id = `${file.run.id}-${n}`;
    const tx = db.transaction(['runs', 'entries'], 'readwrite');
    try {
      const now = new Date().toISOString();
      await tx.objectStore('runs').put({ id, name: file.run.name, createdAt: file.run.createdAt, updatedAt: now });
      for (const { key, value } of file.entries) await tx.objectStore('entries').put(value, [id, key]);
      await tx.done;
    } catch (error) {
      if (await abortFailed(tx, error)) throw new StoreQuotaError(`import of ${file.run.id}`, error);
      throw error;
    }
    return id;
  }
}
