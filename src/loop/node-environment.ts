// The loop's environment in Node (the CLI, tests, benches): a folder store, files read from disk, the built-in
// embedder, and the policy on our WebGPU engine (Dawn in Node). Never imported by the page or the worker.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinEmbedder } from '../embed/builtin.ts';
import type { Runtime } from '../engine/runtime.ts';
import type { ExperimentConfig } from './config.ts';
import type { Embedder } from '../data/tagging/embedder.ts';
import type { LoopEnvironment, Policy } from './runner.ts';
import type { RunStore } from './store.ts';

/** Bundled model names → their folder in public/models. */
const BUNDLED_MODELS = ['tiny-math', 'tiny-random'];

/** config.model.path as a folder: a bundled model's name, else a path (relative to the working directory). */
export function modelFolder(path: string): string {
  if (BUNDLED_MODELS.includes(path)) return fileURLToPath(new URL(`../../public/models/${path}/`, import.meta.url));
  return isAbsolute(path) ? path : resolve(path);
}

export interface NodeEnvironmentOptions {
  store: RunStore;
  /** one GPU runtime shared by every policy this environment loads (compare: many arms, one device) */
  runtime?: Runtime;
  /** replaces the engine policy (other backends or trainers, tests) */
  policy?: (config: ExperimentConfig) => Promise<Policy>;
}

export function nodeEnvironment(options: NodeEnvironmentOptions): LoopEnvironment {
  return {
    store: options.store,
    readText: (path) => readFile(resolve(path), 'utf8'),
    async embedder(config) {
      if (config.embedding.embedder === 'builtin') return builtinEmbedder();
      if (config.embedding.embedder === 'openai') return remoteEmbedder(config, process.env);
      const { transformersEmbedder } = await import('../embed/transformers.ts');
      // a local folder in the hub's layout is read offline; anything else is a hub id
      const folder = resolve(config.embedding.model);
      const local = await stat(folder).then((s) => s.isDirectory(), () => false);
      return local
        ? transformersEmbedder({ model: basename(folder), localModelPath: dirname(folder), allowRemote: false })
        : transformersEmbedder({ model: config.embedding.model });
    },
    policy: options.policy ?? (async (config) => {
      const [{ nodeSource }, { enginePolicy }] = await Promise.all([import('../engine/files/source.ts'), import('./engine-policy.ts')]);
      return enginePolicy(nodeSource(modelFolder(config.model.path)), config, options.runtime);
    }),
  };
}

/** The OpenAI-compatible embeddings server the config names; the key comes from the variable embedding.apiKeyEnv names. */
async function remoteEmbedder(config: ExperimentConfig, env: Record<string, string | undefined>): Promise<Embedder> {
  const { endpoint, model, apiKeyEnv } = config.embedding;
  const apiKey = apiKeyEnv === '' ? undefined : env[apiKeyEnv];
  if (apiKeyEnv !== '' && !apiKey) throw new Error(`embedding.apiKeyEnv: the environment variable ${apiKeyEnv} is not set`);
  const { OpenAIEmbedder } = await import('../backends/openai-embedder.ts');
  return OpenAIEmbedder.connect({ endpoint, model, apiKey });
}
