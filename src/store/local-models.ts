// Model folders from the user's own disk, kept in the browser's IndexedDB (database "sai-dpo-local-models") so the
// workers can load them and a run that uses one resumes after a reload. A config names such a model
// `local:<folder name>`. Files are stored as Blobs (the browser writes their bytes itself, off the main thread),
// keyed [folder, file]; one "folders" record per folder lists its files. Saving is one transaction over both stores:
// all files land or none do, and a full quota leaves the folders saved before as they were.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { INDEX_FILE, parseIndex, SINGLE_FILE } from '../engine/files/checkpoint.ts';
import { ModelFileError } from '../engine/files/errors.ts';
import type { ModelSource } from '../engine/files/source.ts';
import { fileSegments, joinName } from '../engine/files/source-paths.ts';
import { describeError } from './errors.ts';
import { abortFailed } from './idb-store.ts';
import { checkFolderName, LOCAL_PREFIX } from './local-model-path.ts';

export { checkFolderName, localFolderName, localModelName, LOCAL_PREFIX } from './local-model-path.ts';

export const LOCAL_MODELS_DB = 'sai-dpo-local-models';

/** A file of a picked folder: its name inside the folder ("config.json") and its contents. */
export interface LocalModelFile {
  name: string;
  data: Blob;
}

export interface LocalModelInfo {
  name: string;
  files: { name: string; bytes: number }[];
  /** all files together */
  bytes: number;
  savedAt: string;
}

interface LocalModelsDb extends DBSchema {
  folders: { key: string; value: LocalModelInfo };
  files: { key: [string, string]; value: Blob };
}

/** The folder could not be saved because the browser's storage quota is full; nothing of it was kept. */
export class LocalModelQuotaError extends Error {
  constructor(readonly folder: string, bytes: number, cause: unknown) {
    super(`storage is full: could not save the model folder "${folder}" (${(bytes / 1024 / 1024).toFixed(1)} MiB) in this browser (${describeError(cause)}); nothing of it was kept and the folders and runs saved before are intact — free some space (delete saved folders or old runs) and try again`);
    this.name = 'LocalModelQuotaError';
  }
}

/** "QuotaExceededError: …", or just the name when the browser gives no message */
/**
 * What a model folder lacks to be loaded: config.json, tokenizer.json and the weights (model.safetensors, or the
 * shard index with every shard it names). Empty when nothing is missing. Reads only the small index file.
 */
export async function missingModelFiles(files: readonly LocalModelFile[]): Promise<string[]> {
  const names = new Map(files.map((f) => [f.name, f.data]));
  const missing = ['config.json', 'tokenizer.json'].filter((n) => !names.has(n));
  const index = names.get(INDEX_FILE);
  if (index) {
    const shards = [...new Set(parseIndex(await index.text()).values())];
    missing.push(...shards.filter((s) => !names.has(s)).map((s) => `${s} (named in ${INDEX_FILE})`));
  } else if (!names.has(SINGLE_FILE)) {
    missing.push(`the weights (${SINGLE_FILE}, or ${INDEX_FILE} with its shards)`);
  }
  return missing;
}

export class LocalModels {
  private db: Promise<IDBPDatabase<LocalModelsDb>> | null = null;

  constructor(readonly dbName = LOCAL_MODELS_DB) {}

  /** Opened on first use, so importing this module costs nothing. */
  private open(): Promise<IDBPDatabase<LocalModelsDb>> {
    this.db ??= openDB<LocalModelsDb>(this.dbName, 1, {
      upgrade(db) {
        db.createObjectStore('folders', { keyPath: 'name' });
        db.createObjectStore('files');
      },
      // another tab upgrading the database: let it, and reopen on the next call
      blocking: () => {
        void this.close();
      },
    });
    return this.db;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    (await db)?.close();
  }

  /**
   * Saves (or replaces) folder `name` with exactly `files`, in one transaction: all of them or none. Refuses a folder
   * that is not a model folder (see missingModelFiles), naming what is missing.
   */
  async save(name: string, files: readonly LocalModelFile[]): Promise<LocalModelInfo> {
    checkFolderName(name);
    const source = `${LOCAL_PREFIX}${name}`;
    const seen = new Set<string>();
    for (const file of files) {
      fileSegments(file.name, source);
      if (seen.has(file.name)) throw new ModelFileError(joinName(source, file.name), 'given twice');
      seen.add(file.name);
    }
    const missing = await missingModelFiles(files);
    if (missing.length > 0) throw new ModelFileError(source, `not a model folder: missing ${missing.join(', ')}`);
    const info: LocalModelInfo = {
      name,
      files: files.map((f) => ({ name: f.name, bytes: f.data.size })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      bytes: files.reduce((sum, f) => sum + f.data.size, 0),
      savedAt: new Date().toISOString(),
    };
    const db = await this.open();
    const tx = db.transaction(['folders', 'files'], 'readwrite');
    try {
      const stored = tx.objectStore('files');
      // no await between requests: the transaction must not commit half-way
      await Promise.all([
        stored.delete(folderRange(name)),
        ...files.map((f) => stored.put(f.data, [name, f.name])),
        tx.objectStore('folders').put(info),
      ]);
      await tx.done;
    } catch (error) {
      if (await abortFailed(tx, error)) throw new LocalModelQuotaError(name, info.bytes, tx.error ?? error);
      throw error;
    }
    return info;
  }

  /** The saved folders, by name. */
  async list(): Promise<LocalModelInfo[]> {
    const folders = await (await this.open()).getAll('folders');
    return folders.sort((a, b) => a.name.localeCompare(b.name));
  }

  async delete(name: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['folders', 'files'], 'readwrite');
    await Promise.all([tx.objectStore('files').delete(folderRange(name)), tx.objectStore('folders').delete(name), tx.done]);
  }

  /** The saved folder `name` as a model source (named `local:<name>` in errors). */
  source(name: string): ModelSource {
    checkFolderName(name);
    const sourceName = `${LOCAL_PREFIX}${name}`;
    const folderExists = async (db: IDBPDatabase<LocalModelsDb>) => {
      if ((await db.count('folders', name)) === 0) {
        throw new ModelFileError(sourceName, 'no folder by this name is saved in this browser (pick it again under "a folder on this computer…")');
      }
    };
    const blob = async (file: string): Promise<Blob> => {
      fileSegments(file, sourceName);
      const db = await this.open();
      const data = await db.get('files', [name, file]);
      if (data) return data;
      await folderExists(db);
      throw new ModelFileError(joinName(sourceName, file), 'not found in the saved folder');
    };
    return {
      name: sourceName,
      has: async (file) => {
        fileSegments(file, sourceName);
        const db = await this.open();
        if ((await db.count('files', [name, file])) > 0) return true;
        await folderExists(db);
        return false;
      },
      read: async (file, onProgress) => {
        const data = await blob(file);
        const bytes = new Uint8Array(await data.arrayBuffer());
        onProgress?.(bytes.length, bytes.length);
        return bytes;
      },
      readText: async (file) => (await blob(file)).text(),
    };
  }
}

/** every [folder, file] key of one folder */
function folderRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound([name, ''], [name, '\uffff']);
}

const shared = new LocalModels();

export const saveLocalModel = (name: string, files: readonly LocalModelFile[]): Promise<LocalModelInfo> => shared.save(name, files);
export const listLocalModels = (): Promise<LocalModelInfo[]> => shared.list();
export const deleteLocalModel = (name: string): Promise<void> => shared.delete(name);
export const localModelSource = (name: string): ModelSource => shared.source(name);
