// The run store in Node: one folder per run under `root`, one file per stage output, so a run's artifacts can be
// read with any tool: root/<run>/_run.json (id, name, dates), root/<run>/<key>.json (JSON values) or
// root/<run>/<key>.bin (bytes), e.g. root/run/iter-1/probe.json.
// Every file is written to a temporary name and renamed over the old one, so a put replaces a value whole or not at
// all; a full disk (ENOSPC, EDQUOT) becomes a StoreQuotaError and leaves the saved files as they were.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { RunStore, RunSummary } from '../loop/store.ts';
import { checkKey, StoreQuotaError } from './errors.ts';
import { decodeRunFile, encodeRunFile } from './run-file.ts';

const META = '_run.json';

interface RunMeta {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

function isQuotaError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

export class FolderStore implements RunStore {
  constructor(readonly root: string) {}

  private runDir(runId: string): string {
    checkKey(runId, 'run id');
    if (runId.includes('/')) throw new Error(`run store: bad run id "${runId}" (no "/")`);
    return join(this.root, runId);
  }

  /** Writes `bytes` to `path` through a temporary file and a rename. */
  private async atomicWrite(path: string, bytes: Uint8Array | string, key: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      if (isQuotaError(error)) throw new StoreQuotaError(key, error);
      throw error;
    }
  }

  private async readMeta(runId: string): Promise<RunMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.runDir(runId), META), 'utf8')) as RunMeta;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async touch(runId: string, name?: string): Promise<void> {
    const now = new Date().toISOString();
    const meta = (await this.readMeta(runId)) ?? { id: runId, name: runId, createdAt: now, updatedAt: now };
    await this.atomicWrite(join(this.runDir(runId), META), JSON.stringify({ ...meta, name: name ?? meta.name, updatedAt: now }, null, 1), META);
  }

  async put(runId: string, key: string, value: unknown): Promise<void> {
    checkKey(key);
    const base = join(this.runDir(runId), key);
    const isBytes = value instanceof Uint8Array;
    if (!isBytes && value === undefined) throw new Error(`run store: the value of "${key}" is undefined`);
    const text = isBytes ? value : JSON.stringify(value);
    if (!(await this.readMeta(runId))) await this.touch(runId);
    await this.atomicWrite(base + (isBytes ? '.bin' : '.json'), text, key);
    // a value that changed kind leaves no stale file of the other kind
    await rm(base + (isBytes ? '.json' : '.bin'), { force: true });
    await this.touch(runId).catch(() => {}); // the date is informative; a full disk here loses nothing
  }

  async get<T = unknown>(runId: string, key: string): Promise<T | undefined> {
    checkKey(key);
    const base = join(this.runDir(runId), key);
    try {
      return JSON.parse(await readFile(base + '.json', 'utf8')) as T;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    try {
      return new Uint8Array(await readFile(base + '.bin')) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(runId: string, key: string): Promise<boolean> {
    checkKey(key);
    const base = join(this.runDir(runId), key);
    for (const ext of ['.json', '.bin']) {
      if (await stat(base + ext).then((s) => s.isFile(), () => false)) return true;
    }
    return false;
  }

  async keys(runId: string): Promise<string[]> {
    const dir = this.runDir(runId);
    const out: string[] = [];
    const walk = async (at: string) => {
      const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const path = join(at, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.isFile() && /\.(json|bin)$/.test(e.name) && !(at === dir && e.name === META)) {
          out.push(relative(dir, path).split(sep).join('/').replace(/\.(json|bin)$/, ''));
        }
      }
    };
    await walk(dir);
    return out.sort();
  }

  async listRuns(): Promise<RunSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const out: RunSummary[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const meta = await this.readMeta(e.name).catch(() => undefined);
      if (meta) out.push({ ...meta, stages: await this.keys(e.name) });
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async renameRun(runId: string, name: string): Promise<void> {
    if (!(await this.readMeta(runId))) throw new Error(`run store: no run "${runId}"`);
    await this.touch(runId, name);
  }

  async deleteRun(runId: string): Promise<void> {
    await rm(this.runDir(runId), { recursive: true, force: true });
  }

  async exportRun(runId: string): Promise<Uint8Array> {
    const meta = await this.readMeta(runId);
    if (!meta) throw new Error(`run store: no run "${runId}"`);
    const keys = await this.keys(runId);
    const entries = await Promise.all(keys.map(async (key) => ({ key, value: await this.get(runId, key) })));
    return encodeRunFile({ run: { id: meta.id, name: meta.name, createdAt: meta.createdAt }, entries });
  }

  async importRun(bytes: Uint8Array): Promise<string> {
    const file = decodeRunFile(bytes);
    const taken = new Set((await readdir(this.root).catch(() => [])));
    let id = file.run.id;
    for (let n = 2; taken.has(id); n++) id = `${file.run.id}-${n}`;
    try {
      await this.touch(id);
      for (const { key, value } of file.entries) await this.put(id, key, value);
      const meta = (await this.readMeta(id))!;
      await this.atomicWrite(join(this.runDir(id), META), JSON.stringify({ ...meta, name: file.run.name, createdAt: file.run.createdAt }, null, 1), META);
    } catch (error) {
      await this.deleteRun(id); // a half-imported run is not left behind
      throw error;
    }
    return id;
  }
}
