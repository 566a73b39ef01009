// The policy worker's work, kept apart from comlink so it can run (and be tested) in Node too:
// one GPU device and kernel runtime shared by every model the worker loads, at most one loaded model,
// one generation at a time, and a clear error (naming the file or field) for every bad request.
// A failed load leaves the service ready for the next one; a lost device is replaced on the next load.
import { acquireGpu, type Gpu } from '../src/engine/gpu.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { loadModel, type LanguageModel, type LoadProgress } from '../src/engine/model/index.ts';
import { urlSource, type ModelSource, type UrlSourceOptions } from '../src/engine/files/source.ts';
import { localModelName, localModelSource } from '../src/store/local-models.ts';
import { checkGenerateRequest } from './generate-request.ts';
import { DTYPES, type Completion, type GenerateRequest, type LoadedModelInfo, type LoadProgressEvent, type LoadRequest, type PolicyApi, type PolicyInfo } from './policy-api.ts';
import { throttleProgress } from './progress-throttle.ts';

export interface PolicyServiceOptions {
  acquire?: () => Promise<Gpu>;
  /** where downloaded model files are kept; the Cache API in a browser */
  cache?: UrlSourceOptions['cache'];
}

interface Loaded {
  model: LanguageModel;
  info: LoadedModelInfo;
}

export class PolicyService implements PolicyApi {
  private runtime: Promise<Runtime> | null = null;
  private loaded: Loaded | null = null;
  /** counts load() calls: only the latest one may install its model */
  private loadTicket = 0;
  /** generations run one after another */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly acquire: () => Promise<Gpu>;
  private readonly cache: UrlSourceOptions['cache'];

  constructor(options: PolicyServiceOptions = {}) {
    this.acquire = options.acquire ?? acquireGpu;
    this.cache = options.cache ?? 'cache-api';
  }

  ping(): 'pong' {
    return 'pong';
  }

  async info(): Promise<PolicyInfo> {
    const { gpu } = await this.currentRuntime();
    return { adapter: gpu.info, deviceLost: gpu.lostReason, model: this.loaded?.info ?? null };
  }

  async watchDevice(onLost: (reason: string) => void): Promise<void> {
    const { gpu } = await this.currentRuntime();
    // the service never destroys its own device (models are disposed, the device stays), so any loss counts
    void gpu.device.lost.then((info) => onLost(info.message || info.reason || 'unknown'));
  }

  async load(url: string, request: LoadRequest, onProgress: (p: LoadProgressEvent) => void): Promise<LoadedModelInfo> {
    // `local:<name>`: a folder saved in this browser's IndexedDB (src/store/local-models.ts)
    const local = typeof url === 'string' ? localModelName(url) : null;
    const baseUrl = local === null ? checkModelUrl(url) : `local:${local}/`;
    const dtype = request?.dtype;
    if (!DTYPES.includes(dtype)) throw new RangeError(`load request: dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
    if (typeof onProgress !== 'function') throw new TypeError('load request: onProgress must be a function');
    const ticket = ++this.loadTicket;
    this.unload();
    const runtime = await this.liveRuntime();
    const report = throttleProgress((p: LoadProgress) => void onProgress({ phase: p.phase, file: p.file, loaded: p.loaded, total: p.total }));
    const started = performance.now();
    const source: ModelSource = local === null ? urlSource(baseUrl, { cache: this.cache }) : localModelSource(local);
    const model = await loadModel(source, { device: 'gpu', dtype, runtime, onProgress: report });
    report.flush();
    if (ticket !== this.loadTicket) {
      model.dispose();
      throw new Error(`loading ${baseUrl} was superseded by a newer load`);
    }
    const info: LoadedModelInfo = { url: baseUrl, dtype, summary: describeModel(model, baseUrl), loadSeconds: (performance.now() - started) / 1000 };
    this.loaded = { model, info };
    return info;
  }

  generate(prompt: string, request: GenerateRequest): Promise<Completion[]> {
    const run = this.queue.then(() => this.generateNow(prompt, request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async generateNow(prompt: string, request: GenerateRequest): Promise<Completion[]> {
    if (typeof prompt !== 'string') throw new TypeError(`generate request: prompt must be text, got ${typeof prompt}`);
    const options = checkGenerateRequest(request);
    const loaded = this.loaded;
    if (!loaded) throw new Error('no model is loaded: load one first');
    const [completions] = await loaded.model.generate([prompt], options);
    return completions.map((c) => ({ text: c.text, tokens: c.tokens.length, finishReason: c.finishReason }));
  }

  /** Frees the current model's GPU buffers before another takes its place (the device stays). */
  private unload(): void {
    const current = this.loaded;
    this.loaded = null;
    current?.model.dispose();
  }

  /** The worker's runtime, created on first use (again only if creating it failed). */
  private currentRuntime(): Promise<Runtime> {
    if (!this.runtime) {
      const next = this.acquire().then((gpu) => new Runtime(gpu));
      this.runtime = next;
      next.catch(() => {
        if (this.runtime === next) this.runtime = null;
      });
    }
    return this.runtime;
  }

  /** The runtime, on a fresh device if the current one was lost. */
  private async liveRuntime(): Promise<Runtime> {
    const runtime = await this.currentRuntime();
    if (runtime.gpu.lostReason === null) return runtime;
    this.runtime = null;
    return this.currentRuntime();
  }
}

/** An absolute http(s) URL of a folder (ending with "/"), or an error naming what is wrong. */
function checkModelUrl(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') throw new TypeError('load request: the model URL is empty');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`load request: "${url}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`load request: "${url}" must be an http(s) URL`);
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}

function describeModel(model: LanguageModel, url: string): string {
  const c = model.config;
  const name = localModelName(url) ?? new URL(url).pathname.split('/').filter(Boolean).pop() ?? url;
  return `${name}: ${c.architecture}, ${c.numLayers} layers, hidden ${c.hiddenSize}, vocab ${c.vocabSize}`;
}
