// Builds the lab once with Vite's JS API into a temporary folder (never the project's dist/).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export async function buildApp(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'sai-dpo-dist-'));
  await build({
    root: PROJECT_ROOT,
    configFile: join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
