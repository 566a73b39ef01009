// The loop's environment in a web worker: runs in IndexedDB, the model fetched from its URL (kept in the Cache API
// by the engine's URL source) or read from a folder saved in IndexedDB (`local:<name>`, src/store/local-models.ts),
// the built-in embedder, files named in the config fetched relative to the page.
import { builtinEmbedder } from '../embed/builtin.ts';
import type { Gpu } from '../engine/gpu.ts';
import { IdbStore } from '../store/idb-store.ts';
import type { LoopEnvironment } from './runner.ts';
import type { RunStore } from './store.ts';

/** config.model.path as a URL: a bundled model's name → the site's models/ folder. */
export function modelUrl(path: string, base: string): string {
  const url = /^[a-z0-9-]+$/.test(path) ? `models/${path}/` : path.endsWith('/') ? path : `${path}/`;
  return new URL(url, base).href;
}

export interface BrowserEnvironment extends LoopEnvironment {
  /**
   * Diagnostic: destroys the GPU device of every loaded policy, as a driver reset or a GPU crash would (the run in
   * progress then fails with a lost device). Resolves false while no policy is loaded (none yet, or still loading).
   */
  loseDevice(): Promise<boolean>;
}

export function browserEnvironment(options: { store?: RunStore; base?: string } = {}): BrowserEnvironment {
  const base = options.base ?? (globalThis.location?.href ?? '/');
  /** the devices of the policies loaded and not yet disposed */
  const devices = new Set<Gpu>();
  return {
    store: options.store ?? new IdbStore(),
    async readText(path) {
      const response = await fetch(new URL(path, base));
      if (!response.ok) throw new Error(`could not fetch ${path}: HTTP ${response.status}`);
      return response.text();
    },
    async embedder(config) {
      if (config.embedding.embedder === 'builtin') return builtinEmbedder();
      if (config.embedding.embedder === 'openai') {
        // no API key in the page: a server that needs one is reached through a proxy that adds it
        const { OpenAIEmbedder } = await import('../backends/browser.ts');
        return OpenAIEmbedder.connect({ endpoint: config.embedding.endpoint, model: config.embedding.model });
      }
      const { transformersEmbedder } = await import('../embed/transformers.ts');
      return transformersEmbedder({ model: config.embedding.model });
    },
    async policy(config) {
      const [{ urlSource }, { enginePolicy }, { acquireGpu, DeviceLostError }, { Runtime }, { localModelName, localModelSource }] = await Promise.all([
        import('../engine/files/source.ts'), import('./engine-policy.ts'), import('../engine/gpu.ts'), import('../engine/runtime.ts'), import('../store/local-models.ts'),
      ]);
      const local = localModelName(config.model.path);
      const source = local === null ? urlSource(modelUrl(config.model.path, base)) : localModelSource(local);
      // the policy's own device, so loseDevice() can reach it once the policy is loaded; destroyed with the policy
      const gpu = await acquireGpu();
      const release = () => {
        devices.delete(gpu);
        gpu.destroy();
      };
      try {
        const policy = await enginePolicy(source, config, new Runtime(gpu));
        devices.add(gpu);
        return { ...policy, dispose: async () => { try { await policy.dispose(); } finally { release(); } } };
      } catch (error) {
        // a device lost while the weights were uploading fails in whatever call came next: say what happened
        const lost = gpu.lostReason;
        release();
        throw lost === null ? error : new DeviceLostError(lost);
      }
    },
    async loseDevice() {
      for (const gpu of devices) gpu.device.destroy();
      return devices.size > 0;
    },
  };
}
