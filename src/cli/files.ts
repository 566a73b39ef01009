// File helpers for the commands: write a folder of files safely, read input files with clear errors.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelConfig } from '../engine/files/config.ts';
import type { Tokenizer } from '../engine/files/tokenizer.ts';
import type { ExampleLimits, Parsed } from '../engine/train/examples.ts';

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

/**
 * Reads a JSONL file of training examples checked against the model (tokenizer, context, vocabulary);
 * bad lines are reported on stderr with their numbers and skipped; no usable line is an error.
 */
export async function readExamples<T>(
  file: string, parse: (text: string, limits: ExampleLimits) => Parsed<T>, tokenizer: Tokenizer, config: ModelConfig,
): Promise<T[]> {
  const { items, errors } = parse(await readInput(file, 'input file'), { tokenizer, maxTokens: config.maxPositionEmbeddings, vocabSize: config.vocabSize });
  for (const e of errors) process.stderr.write(`${file}: line ${e.line}: ${e.reason} (skipped)\n`);
  if (items.length === 0) throw new Error(`${file}: no usable lines`);
  return items;
}
