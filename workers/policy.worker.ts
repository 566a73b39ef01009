// The policy model's worker: a thin comlink endpoint over PolicyService. The page never touches the GPU.
import * as Comlink from 'comlink';
import type { PolicyApi } from './policy-api.ts';
import { PolicyService } from './policy-service.ts';

const service = new PolicyService();

/** Callbacks from the page arrive as comlink proxies; each holds a message channel until released. */
function release(callback: unknown): void {
  (callback as Partial<Comlink.Remote<object>>)[Comlink.releaseProxy]?.();
}

const endpoint: PolicyApi = {
  ping: () => service.ping(),
  info: () => service.info(),
  async load(url, request, onProgress) {
    try {
      return await service.load(url, request, onProgress);
    } finally {
      release(onProgress);
    }
  },
  generate: (prompt, request) => service.generate(prompt, request),
  watchDevice: (onLost) => service.watchDevice(onLost),
};

Comlink.expose(endpoint);
