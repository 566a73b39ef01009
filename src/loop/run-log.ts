// What a headless run writes as it goes (Node): DIR/metrics.jsonl (one line per finished stage: stage, iteration,
// seconds and the stage's summary; eval lines carry "accuracy"), DIR/train.jsonl (DPO metrics per optimizer step)
// and human-readable progress with ETA on stderr (at most one progress line every 2 s).
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentConfig } from './config.ts';
import type { LoopEvent } from './events.ts';

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function where(config: ExperimentConfig, stage: string, iteration: number): string {
  return iteration === 0 ? stage : `iteration ${iteration}/${config.iterations} ${stage}`;
}

export function progressPrinter(out: string, config: ExperimentConfig, quiet: boolean, write: (text: string) => void = (t) => process.stderr.write(t)) {
  let pending: Promise<void> = Promise.resolve();
  let lastLine = 0;
  const append = (file: string, value: unknown) => {
    const line = JSON.stringify(value) + '\n';
    pending = pending.then(() => appendFile(join(out, file), line));
  };
  const listen = (event: LoopEvent) => {
    switch (event.type) {
      case 'progress': {
        const now = Date.now();
        if (quiet || now - lastLine < 2000 || event.fraction >= 1) return;
        lastLine = now;
        write(`  ${where(config, event.stage, event.iteration)} ${Math.round(event.fraction * 100)}%${event.message ? ` (${event.message})` : ''} · run ${Math.round(event.runFraction * 100)}% · ETA ${formatSeconds(event.etaSeconds)}\n`);
        return;
      }
      case 'stage-done': {
        append('metrics.jsonl', { stage: event.stage, iteration: event.iteration, seconds: event.seconds, ...event.summary });
        if (!quiet) {
          const parts = Object.entries(event.summary).map(([k, v]) => `${k}=${v}`);
          write(`${where(config, event.stage, event.iteration)} done in ${formatSeconds(event.seconds)}${parts.length ? ': ' + parts.join(' ') : ''}\n`);
        }
        return;
      }
      case 'train-step':
        append('train.jsonl', { iteration: event.iteration, ...event.metrics });
        return;
      case 'log':
        if (!quiet || event.level === 'warn') write(`${event.level === 'warn' ? 'warning: ' : ''}${event.iteration !== undefined && event.stage ? `[${where(config, event.stage, event.iteration)}] ` : ''}${event.message}\n`);
        return;
      default:
        return;
    }
  };
  return { listen, flush: () => pending };
}
