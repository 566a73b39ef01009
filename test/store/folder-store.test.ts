import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../src/store/folder-store.ts';
import { decodeRunFile } from '../../src/store/run-file.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sai-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('folder store', () => {
  it('puts and gets JSON and bytes as readable files; lists keys and runs', async () => {
    const store = new FolderStore(root);
    await store.put('run', 'pool', { problems: [1, 2] });
    await store.put('run', 'iter-1/adapter', new Uint8Array([1, 2, 3]));
    expect(await store.get('run', 'pool')).toEqual({ problems: [1, 2] });
    expect(await store.get('run', 'iter-1/adapter')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.get('run', 'nope')).toBeUndefined();
    expect(await store.has('run', 'pool')).toBe(true);
    expect(await store.keys('run')).toEqual(['iter-1/adapter', 'pool']);
    expect(JSON.parse(await readFile(join(root, 'run', 'pool.json'), 'utf8'))).toEqual({ problems: [1, 2] });
    await store.renameRun('run', 'my run');
    const [summary] = await store.listRuns();
    expect(summary).toMatchObject({ id: 'run', name: 'my run', stages: ['iter-1/adapter', 'pool'] });
    // a value that changes kind leaves one file
    await store.put('run', 'pool', new Uint8Array([9]));
    expect(await store.keys('run')).toEqual(['iter-1/adapter', 'pool']);
  });

  it('refuses keys that could escape the folder', async () => {
    const store = new FolderStore(root);
    for (const bad of ['../x', '/abs', 'a/../../b', '', 'a//b']) await expect(store.put('run', bad, 1)).rejects.toThrow(/bad key/);
    await expect(store.put('../run', 'k', 1)).rejects.toThrow(/bad run id/);
  });

  it('exports one file and imports it back under a fresh id', async () => {
    const store = new FolderStore(root);
    await store.put('run', 'config', { seed: 1 });
    await store.put('run', 'embeddings', new Uint8Array([5, 6]));
    const bytes = await store.exportRun('run');
    expect(decodeRunFile(bytes).entries.map((e) => e.key)).toEqual(['config', 'embeddings']);
    const other = new FolderStore(join(root, 'other'));
    expect(await other.importRun(bytes)).toBe('run');
    expect(await other.get('run', 'embeddings')).toEqual(new Uint8Array([5, 6]));
    expect(await store.importRun(bytes)).toBe('run-2');
    expect(await store.get('run-2', 'config')).toEqual({ seed: 1 });
    expect(() => decodeRunFile(new Uint8Array([1, 2, 3]))).toThrow(/not a SAI-DPO run file/);
    const cut = bytes.slice(0, bytes.length - 1);
    expect(() => decodeRunFile(cut)).toThrow(/runs past the end/);
  });

  it('a failed write leaves the saved value whole and no temporary file', async () => {
    const store = new FolderStore(root);
    await store.put('run', 'pool', { a: 1 });
    // a value JSON cannot write fails mid-put
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.put('run', 'pool', cyclic)).rejects.toThrow();
    expect(await store.get('run', 'pool')).toEqual({ a: 1 });
    // a folder where the file should be: the rename fails, the temporary file is removed
    await writeFile(join(root, 'run', 'x.json'), '1');
    await rm(join(root, 'run', 'x.json'));
    await (await import('node:fs/promises')).mkdir(join(root, 'run', 'x.json'));
    await expect(store.put('run', 'x', 2)).rejects.toThrow();
    expect((await readdir(join(root, 'run'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('folder store on a full disk', () => {
  it('reports a write the file system refuses for room as a quota error and keeps the saved value', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    // a file-size limit of 1 MiB: writing past it fails with EFBIG, handled as ENOSPC / EDQUOT are
    const script = join(import.meta.dirname, 'fixtures', 'full-disk.ts');
    const runTs = join(import.meta.dirname, '..', '..', 'bin', 'run-ts.mjs');
    const { stdout } = await promisify(execFile)('bash', ['-c', `ulimit -f 1024; exec node "${runTs}" "${script}" "${root}"`]);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.error).toMatchObject({ name: 'StoreQuotaError', message: expect.stringMatching(/storage is full: could not save "pool".*intact/) });
    expect(result.pool).toEqual({ keep: 'me' });
    expect(result.keys).toEqual(['pool']);
    expect(result.files.filter((f: string) => f.endsWith('.tmp'))).toEqual([]);
  });
});
