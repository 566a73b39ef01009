// Load progress can fire once per downloaded chunk; posting each one to the page would flood it.
// This passes on the first event of each phase/file at once, then at most one every `intervalMs`;
// the last event of a phase/file held back is sent before the next phase's first one, and flush()
// sends any still held (so the page always sees where each step ended).

export interface ThrottledProgress<P> {
  (p: P): void;
  flush(): void;
}

export function throttleProgress<P extends { phase: string; file?: string }>(send: (p: P) => void, intervalMs = 100): ThrottledProgress<P> {
  let lastSent = -Infinity;
  let lastKey = '';
  let held: P | null = null;
  const report = ((p: P) => {
    const key = `${p.phase}|${p.file ?? ''}`;
    const now = performance.now();
    if (key !== lastKey || now - lastSent >= intervalMs) {
      // the last event of the previous phase/file goes first, so each one is seen to its end
      if (key !== lastKey && held) send(held);
      lastKey = key;
      lastSent = now;
      held = null;
      send(p);
    } else {
      held = p;
    }
  }) as ThrottledProgress<P>;
  report.flush = () => {
    if (held) send(held);
    held = null;
  };
  return report;
}
