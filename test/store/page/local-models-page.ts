// Exposes the local model folders (src/store/local-models.ts) to a Chromium test (test/store/local-models.test.ts) as
// window.localModels. Files are fetched from the built site's models/ folder or made here from text and sizes.
import { openDB } from 'idb';
import { LocalModels, type LocalModelFile } from '../../../src/store/local-models.ts';

const stores = new Map<string, LocalModels>();
const storeOf = (db: string) => {
  if (!stores.has(db)) stores.set(db, new LocalModels(db));
  return stores.get(db)!;
};

type FileSpec = { name: string; text: string } | { name: string; randomBytes: number } | { name: string; fetch: string };

/** Incompressible bytes, so a quota test cannot be fooled by compression. */
function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return bytes;
}

async function makeFiles(specs: FileSpec[]): Promise<LocalModelFile[]> {
  const files: LocalModelFile[] = [];
  for (const spec of specs) {
    if ('text' in spec) files.push({ name: spec.name, data: new Blob([spec.text]) });
    else if ('randomBytes' in spec) files.push({ name: spec.name, data: new Blob([randomBytes(spec.randomBytes) as BlobPart]) });
    else {
      const response = await fetch(spec.fetch);
      if (!response.ok) throw new Error(`${spec.fetch}: HTTP ${response.status}`);
      files.push({ name: spec.name, data: await response.blob() });
    }
  }
  return files;
}

async function attempt(work: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, name: (error as Error).name, message: (error as Error).message };
  }
}

/** SHA-256 of bytes, hex: compares files without shipping them back to the test. */
async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

(window as unknown as { localModels: unknown }).localModels = {
  save: (db: string, name: string, specs: FileSpec[]) => attempt(async () => (await storeOf(db).save(name, await makeFiles(specs))).bytes),
  list: (db: string) => attempt(() => storeOf(db).list()),
  delete: (db: string, name: string) => attempt(() => storeOf(db).delete(name)),
  has: (db: string, name: string, file: string) => attempt(() => storeOf(db).source(name).has(file)),
  readText: (db: string, name: string, file: string) => attempt(() => storeOf(db).source(name).readText(file)),
  /** the digest of a saved file, with the bytes the progress callback reported */
  readDigest: (db: string, name: string, file: string) => attempt(async () => {
    let reported = -1;
    const bytes = await storeOf(db).source(name).read(file, (loaded) => (reported = loaded));
    return { digest: await digest(bytes), length: bytes.length, reported };
  }),
  fetchDigest: (url: string) => attempt(async () => digest(new Uint8Array(await (await fetch(url)).arrayBuffer()))),
  /** every [folder, file] key in the files store, read past the module (to see that a failed save left nothing) */
  fileKeys: async (db: string) => {
    const raw = await openDB(db);
    const keys = (await raw.getAllKeys('files')) as unknown as [string, string][];
    raw.close();
    return keys.map((k) => k.join('/'));
  },
  usage: async () => (await navigator.storage.estimate()).usage ?? 0,
};
document.title = 'ready';
