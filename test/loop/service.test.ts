// The loop worker's service in Node (the same object the worker exposes): create, step, pause, stop, resume,
// export and import, on the tiny model.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/loop/config.ts';
import type { LoopEvent } from '../../src/loop/events.ts';
import { LoopService } from '../../src/loop/loop-service.ts';
import { nodeEnvironment } from '../../src/loop/node-environment.ts';
import { FolderStore } from '../../src/store/folder-store.ts';
import { tinyExperiment } from './tiny-run.ts';

let dir: string;
let config: ConfigInput;
let service: LoopService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sai-loop-service-'));
  config = await tinyExperiment(join(dir, 'exp'), { count: 24 }, { iterations: 1 });
  service = new LoopService(nodeEnvironment({ store: new FolderStore(join(dir, 'store')) }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the loop service', () => {
  it('creates a run, steps one stage, pauses after a stage, stops mid-stage, and resumes to the end', async () => {
    expect(service.ping()).toBe('pong');
    await expect(service.create({ sampler: { name: 'nope' } } as unknown as ConfigInput)).rejects.toThrow(/sampler\.name must be one of/);
    const runId = await service.create(config, 'service test');
    expect((await service.listRuns()).map((r) => r.name)).toEqual(['service test']);

    const stepped = await service.step(runId, () => {});
    expect(stepped.saved).toContain('pool');
    expect(stepped.next).toEqual({ stage: 'tags', iteration: 0 });

    // pause: asked during the first stage, honoured when it has saved its output
    const events: LoopEvent[] = [];
    const paused = service.start(runId, (e) => {
      events.push(e);
      if (e.type === 'stage-start') void service.pause();
    });
    const afterPause = await paused;
    expect(afterPause.next).toEqual({ stage: 'embeddings', iteration: 0 });
    expect(events.at(-1)).toEqual({ type: 'state', state: 'paused' });

    // stop: while the probe generates (the backend stops at its next chunk, the runner before saving); nothing of
    // the probe is saved
    const stopEvents: LoopEvent[] = [];
    const stopped = service.start(runId, (e) => {
      stopEvents.push(e);
      if (e.type === 'stage-start' && e.stage === 'probe') setTimeout(() => void service.stop(), 50);
    });
    const afterStop = await stopped;
    expect(afterStop.next).toEqual({ stage: 'probe', iteration: 1 });
    expect(afterStop.state).toBe('stopped');
    expect(stopEvents.at(-1)).toEqual({ type: 'state', state: 'stopped' });

    const done = await service.start(runId, () => {});
    expect(done.next).toBeNull();
    expect(done.state).toBe('finished');
    expect(await service.getStage(runId, 'iter-1/eval')).toMatchObject({ accuracy: expect.any(Number) });

    const copy = await service.importRun(await service.exportRun(runId));
    expect(copy).not.toBe(runId);
    expect((await service.status(copy)).next).toBeNull();
    await service.renameRun(copy, '  imported copy ');
    expect((await service.listRuns()).find((r) => r.id === copy)?.name).toBe('imported copy');
    await expect(service.renameRun(copy, '   ')).rejects.toThrow(/cannot be empty/);
    await expect(service.renameRun('no-such-run', 'x')).rejects.toThrow(/no run "no-such-run"/);
    await service.deleteRun(copy);
    expect((await service.listRuns()).map((r) => r.id)).toEqual([runId]);
  });
});
