// Waiting for a server to serve a model: after an external training step the new checkpoint is served under some
// name (vLLM: the folder path, or --served-model-name), usually after a restart. GET /v1/models lists what is served.
import { routeUrl } from './endpoint.ts';
import type { FetchLike } from './http.ts';

export interface WaitForModelOptions {
  apiKey?: string;
  /** default 5000 ms */
  pollMs?: number;
  /** default: wait until stopped */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetchImpl?: FetchLike;
  log?: (line: string) => void;
}

/** The model names the server lists, or null when it cannot be reached or does not answer in OpenAI's shape. */
export async function servedModels(endpoint: string, options: Pick<WaitForModelOptions, 'apiKey' | 'fetchImpl' | 'signal'> = {}): Promise<string[] | null> {
  const url = routeUrl(endpoint, 'completions').replace(/\/completions$/, '/models');
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  try {
    const response = await fetchImpl(url, { method: 'GET', headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}, signal: options.signal ?? AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    return Array.isArray(body.data) ? body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string') : null;
  } catch {
    return null;
  }
}

/** Resolves once `model` is among the served models; says once what it waits for. */
export async function waitForServedModel(endpoint: string, model: string, options: WaitForModelOptions = {}): Promise<void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const models = await servedModels(endpoint, options);
    if (models?.includes(model)) return;
    if (!told) {
      options.log?.(`waiting for ${endpoint} to serve "${model}" (now: ${models === null ? 'not reachable' : models.join(', ') || 'nothing'}); e.g. vllm serve ${model}`);
      told = true;
    }
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new Error(`${endpoint} did not serve "${model}" within ${Math.round(options.timeoutMs / 1000)} s (serving: ${models === null ? 'not reachable' : models.join(', ') || 'nothing'})`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 5000));
  }
}
