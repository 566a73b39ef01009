// Small display helpers for the lab's panels.

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The message of anything thrown, for showing in the page. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return JSON.stringify(error) ?? String(error);
}

/** Each loading phase's share of the progress bar: config and tokenizer are small, the weights are most of the work. */
const PHASE_SPANS: Record<string, [number, number]> = {
  config: [0, 5],
  tokenizer: [5, 10],
  weights: [10, 99],
  ready: [100, 100],
};

/** Overall loading progress, 0..100, from one phase's own loaded/total. */
export function loadPercent(phase: string, loaded: number, total: number | null): number {
  const [from, to] = PHASE_SPANS[phase] ?? [0, 99];
  const within = total !== null && total > 0 ? Math.max(0, Math.min(1, loaded / total)) : 0;
  return Math.round(from + (to - from) * within);
}
