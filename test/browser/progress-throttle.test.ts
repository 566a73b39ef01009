// Load progress sent to the page: the first event of each phase/file at once, the rest thinned out,
// and the last event of every phase/file always delivered.
import { describe, expect, test } from 'vitest';
import { throttleProgress } from '../../workers/progress-throttle.ts';

type Event = { phase: string; file?: string; loaded: number };

describe('throttleProgress', () => {
  test('within the interval only the first of a phase goes out; the last is sent before the next phase and on flush', () => {
    const sent: Event[] = [];
    const report = throttleProgress<Event>((p) => sent.push(p), 60_000);
    report({ phase: 'config', loaded: 0 });
    report({ phase: 'config', loaded: 1 });
    for (let loaded = 0; loaded <= 5; loaded++) report({ phase: 'weights', file: 'a.safetensors', loaded });
    report({ phase: 'weights', file: 'b.safetensors', loaded: 0 });
    report({ phase: 'weights', file: 'b.safetensors', loaded: 9 });
    report.flush();
    report.flush(); // nothing left to send twice
    expect(sent).toEqual([
      { phase: 'config', loaded: 0 },
      { phase: 'config', loaded: 1 },
      { phase: 'weights', file: 'a.safetensors', loaded: 0 },
      { phase: 'weights', file: 'a.safetensors', loaded: 5 },
      { phase: 'weights', file: 'b.safetensors', loaded: 0 },
      { phase: 'weights', file: 'b.safetensors', loaded: 9 },
    ]);
  });

  test('with no interval every event goes out', () => {
    const sent: Event[] = [];
    const report = throttleProgress<Event>((p) => sent.push(p), 0);
    for (let loaded = 0; loaded < 4; loaded++) report({ phase: 'weights', loaded });
    report.flush();
    expect(sent.map((p) => p.loaded)).toEqual([0, 1, 2, 3]);
  });
});
