// Stop strings, checked on the decoded text: the output ends just before the first stop string.

/** Index where the earliest stop string starts in `text`, or -1. Empty stop strings are ignored. */
export function findStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}
