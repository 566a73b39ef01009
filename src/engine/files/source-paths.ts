// File names inside a model folder: relative, forward slashes, no way out of the folder.
import { ModelFileError } from './errors.ts';

/** Checks a file name asked of a source; returns its path segments. */
export function fileSegments(file: string, sourceName: string): string[] {
  const segments = file.split('/');
  const bad = file === '' || file.startsWith('/') || file.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new ModelFileError(`${sourceName}/${file}`, 'not a plain relative file name inside the model folder');
  return segments;
}

/** `base` + `file` with exactly one slash between them. */
export function joinName(base: string, file: string): string {
  return base.endsWith('/') ? `${base}${file}` : `${base}/${file}`;
}
