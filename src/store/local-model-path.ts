// How a config names a model folder saved in this browser (src/store/local-models.ts): `local:<folder name>`, the
// name being one path segment of letters, digits, ".", "_" and "-". Apart from the store, so the page can read and
// write such names without loading it.

/** config.model.path of a saved folder: `local:<name>`. */
export const LOCAL_PREFIX = 'local:';

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkFolderName(name: string): void {
  if (typeof name !== 'string' || !FOLDER_NAME.test(name) || name.length > 200) {
    throw new Error(`local model: bad folder name "${String(name)}" (use letters, digits, ".", "_" and "-", starting with a letter or digit)`);
  }
}

/** A picked folder's name made usable as a key: other characters become "-". */
export function localFolderName(raw: string): string {
  const name = raw.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200);
  return name || 'local-model';
}

/** `local:<name>` → name; null for any other model path. */
export function localModelName(path: string): string | null {
  return path.startsWith(LOCAL_PREFIX) ? path.slice(LOCAL_PREFIX.length).replace(/\/+$/, '') : null;
}

