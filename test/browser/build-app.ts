// Builds the lab once with Vite's JS API into a temporary folder (never the project's dist/).
// `extraPages` adds HTML entries (paths relative to the project root), e.g. the panel gallery of test/browser/gallery.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export async function buildApp(extraPages: string[] = []): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'sai-dpo-dist-'));
  const input = extraPages.length === 0 ? undefined : Object.fromEntries([
    ['main', join(PROJECT_ROOT, 'index.html')],
    ...extraPages.map((page, i) => [`page${i}`, join(PROJECT_ROOT, page)]),
  ]);
  // Vite picks packages' "production" builds (Lit without its dev-mode checks) only when NODE_ENV says so;
  // the test runner sets it to "test"
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: PROJECT_ROOT,
      configFile: join(PROJECT_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, ...(input ? { rollupOptions: { input } } : {}) },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}
