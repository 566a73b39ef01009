// File helpers for the commands: write a folder of files safely, read an input file with a clear error.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Writes each file beside its final name, then renames it: a crash never leaves a half-written file. */
export async function writeFolder(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  await mkdir(resolve(dir), { recursive: true });
  for (const [name, bytes] of files) {
    const path = join(resolve(dir), name);
    await writeFile(`${path}.partial`, bytes);
    await rename(`${path}.partial`, path);
  }
}

export async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(path), 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Reports skipped input lines on stderr; throws when none is left. */
export function reportLineErrors(file: string, errors: { line: number; reason: string }[], kept: number): void {
  for (const e of errors) process.stderr.write(`${file}: line ${e.line}: ${e.reason} (skipped)\n`);
  if (kept === 0) throw new Error(`${file}: no usable lines`);
}
