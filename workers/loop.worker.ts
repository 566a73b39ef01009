// The SAI-DPO loop's worker: a thin comlink endpoint over LoopService, with runs in IndexedDB. It owns its own
// GPU device for the policy; the page only listens to events.
import * as Comlink from 'comlink';
import { browserEnvironment } from '../src/loop/browser-environment.ts';
import { LoopService } from '../src/loop/loop-service.ts';
import type { LoopWorkerApi } from '../src/loop/worker-api.ts';

const service = new LoopService(browserEnvironment({ base: new URL('../', self.location.href).href }));

/** Callbacks from the page arrive as comlink proxies; each holds a message channel until released. */
function release(callback: unknown): void {
  (callback as Partial<Comlink.Remote<object>>)[Comlink.releaseProxy]?.();
}

const endpoint: LoopWorkerApi = {
  ping: () => service.ping(),
  create: (config, name) => service.create(config, name),
  async start(runId, onEvent) {
    try {
      return await service.start(runId, onEvent);
    } finally {
      release(onEvent);
    }
  },
  async step(runId, onEvent) {
    try {
      return await service.step(runId, onEvent);
    } finally {
      release(onEvent);
    }
  },
  pause: () => service.pause(),
  stop: () => service.stop(),
  status: (runId) => service.status(runId),
  listRuns: () => service.listRuns(),
  getStage: (runId, key) => service.getStage(runId, key),
  deleteRun: (runId) => service.deleteRun(runId),
  renameRun: (runId, name) => service.renameRun(runId, name),
  async exportRun(runId) {
    const bytes = await service.exportRun(runId);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  importRun: (bytes) => service.importRun(bytes),
  loseDevice: () => service.loseDevice(),
};

Comlink.expose(endpoint);
