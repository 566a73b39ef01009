// The loop's environment in a web worker: runs in IndexedDB, the model fetched from its URL (kept in the Cache API
// by the engine's URL source), the built-in embedder, files named in the config fetched relative to the page.
import { builtinEmbedder } from '../embed/builtin.ts';
import { IdbStore } from '../store/idb-store.ts';
import type { LoopEnvironment } from './runner.ts';
import type { RunStore } from './store.ts';

/** config.model.path as a URL: a bundled model's name → the site's models/ folder. */
export function modelUrl(path: string, base: string): string {
  const url = /^[a-z0-9-]+$/.test(path) ? `models/${path}/` : path.endsWith('/') ? path : `${path}/`;
  return new URL(url, base).href;
}

export function browserEnvironment(options: { store?: RunStore; base?: string } = {}): LoopEnvironment {
  const base = options.base ?? (globalThis.location?.href ?? '/');
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
      const [{ urlSource }, { enginePolicy }] = await Promise.all([import('../engine/files/source.ts'), import('./engine-policy.ts')]);
      return enginePolicy(urlSource(modelUrl(config.model.path, base)), config);
    },
  };
}
