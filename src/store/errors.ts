// Errors every run store reports the same way.

/** The disk or the browser's storage quota is full. Nothing saved before is damaged; the failed put left no trace. */
export class StoreQuotaError extends Error {
  constructor(readonly key: string, cause: unknown) {
    super(`storage is full: could not save "${key}" (${describeError(cause)}); everything saved before is intact — free some space (or delete old runs) and resume`);
    this.name = 'StoreQuotaError';
  }
}

/** An error's name and message ("QuotaExceededError: …"; the name alone when the browser gives no message). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message ? `${error.name}: ${error.message}` : error.name;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Keys are slash-separated names of letters, digits, ".", "_" and "-" ("iter-1/probe"): safe as file paths. */
export function checkKey(key: string, what = 'key'): void {
  if (typeof key !== 'string' || !KEY.test(key) || key.split('/').some((part) => part === '.' || part === '..' || part.endsWith('.tmp'))) {
    throw new Error(`run store: bad ${what} "${String(key)}" (use letters, digits, ".", "_", "-" and "/")`);
  }
}
