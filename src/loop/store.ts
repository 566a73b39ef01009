// The run store: a run is its config plus the outputs of its completed stages. IndexedDB (idb) in the
// browser (idb-store.ts), a folder in Node (folder-store.ts); both behind this interface, both exportable to one file.

export interface RunSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** keys of the stage outputs saved so far, e.g. "clusters", "iter-1/probe" */
  stages: string[];
}

export interface RunStore {
  /** JSON-serializable values and binary blobs (Uint8Array) alike; a put replaces the key's value whole or not at all */
  put(runId: string, key: string, value: unknown): Promise<void>;
  get<T = unknown>(runId: string, key: string): Promise<T | undefined>;
  has(runId: string, key: string): Promise<boolean>;
  keys(runId: string): Promise<string[]>;
  listRuns(): Promise<RunSummary[]>;
  renameRun(runId: string, name: string): Promise<void>;
  deleteRun(runId: string): Promise<void>;
  /** the whole run as one file */
  exportRun(runId: string): Promise<Uint8Array>;
  /** returns the imported run's id */
  importRun(bytes: Uint8Array): Promise<string>;
}
