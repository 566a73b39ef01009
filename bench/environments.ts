// Bench modules that measure in Node and in Chromium: which of the two --only asks for.

/** Both when --only names neither group (or is not given); else the ones whose group name contains it. */
export function wantedEnvironments(only: string | null | undefined, nodeGroup: string, chromiumGroup: string): { node: boolean; chromium: boolean } {
  const o = only?.toLowerCase() ?? '';
  const node = nodeGroup.toLowerCase().includes(o);
  const chromium = chromiumGroup.toLowerCase().includes(o);
  return node || chromium ? { node, chromium } : { node: true, chromium: true };
}
