// The generation backend for any OpenAI-compatible completions server (vLLM, SGLang, llama.cpp's server, TGI):
// POST /v1/completions with `n` samples per prompt and a seed, at most `concurrency` requests in flight, each with
// a timeout and retries (http.ts), every answer cached under (model, prompt, sampling, seed, sample index) so an
// interrupted probe resumes where it stopped. Runs in Node and in the browser (no Node imports here).
import type { Completion, GenerationBackend, GenerationRequest, SamplingSettings } from '../loop/backend.ts';
import { MemoryAnswerCache, type AnswerCache, type AnswerKey } from './answer-cache.ts';
import { forEachBounded } from './concurrency.ts';
import { routeUrl } from './endpoint.ts';
import { DEFAULT_RETRY_POLICY, postJson, type FetchLike, type RetryPolicy } from './http.ts';

export interface OpenAIBackendOptions {
  /** the server, e.g. http://127.0.0.1:8000/v1 */
  endpoint: string;
  /** the served model name (vLLM: --served-model-name, or the path it was started with) */
  model: string;
  /** the key itself, held in memory only; the CLI reads it from the variable --api-key-env names */
  apiKey?: string;
  /** requests in flight at once; default 16 */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** default: in memory (the CLI passes a DiskAnswerCache) */
  cache?: AnswerCache;
  /** send `seed` (vLLM, SGLang, llama.cpp and OpenAI accept it); default true */
  sendSeed?: boolean;
  /** most samples asked for in one request; default 64. A server that returns fewer than asked gets asked again. */
  maxSamplesPerRequest?: number;
  /** server-specific fields merged into every request body, e.g. { "top_k": 20 } */
  extraBody?: Record<string, unknown>;
  fetchImpl?: FetchLike;
  onRetry?: (attempt: number, reason: string) => void;
}

/** One request's worth of work: some of the samples of one prompt. */
interface PromptJob {
  promptIndex: number;
  prompt: string;
  /** sample indices not yet answered */
  missing: number[];
}

interface CompletionsChoice {
  text: string;
  index?: number;
  finish_reason?: string | null;
}

export class OpenAICompletionsBackend implements GenerationBackend {
  private model: string;
  private readonly url: string;
  private readonly concurrency: number;
  private readonly policy: RetryPolicy;
  private readonly cache: AnswerCache;
  /** completions received from the server (not from the cache), for reports and tests */
  requestsSent = 0;
  completionsFetched = 0;

  constructor(private readonly options: OpenAIBackendOptions) {
    if (!options.model) throw new Error('model: the served model name is required');
    this.url = routeUrl(options.endpoint, 'completions');
    this.model = options.model;
    this.concurrency = options.concurrency ?? 16;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.cache = options.cache ?? new MemoryAnswerCache();
  }

  get name(): string {
    return `openai:${this.model}`;
  }

  get modelName(): string {
    return this.model;
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** Answers come from `model` from now on (after an external trainer's new checkpoint is served); cached answers of the old model stay apart. */
  setModel(model: string): void {
    if (!model) throw new Error('setModel: empty model name');
    this.model = model;
  }

  async generate(request: GenerationRequest): Promise<Completion[][]> {
    validateRequest(request);
    const { prompts, n } = request;
    const results: Completion[][] = prompts.map(() => new Array<Completion>(n));
    const jobs: PromptJob[] = [];
    let done = 0;
    prompts.forEach((prompt, promptIndex) => {
      const missing: number[] = [];
      for (let sample = 0; sample < n; sample++) {
        const hit = this.cache.get(this.keyOf(prompt, request, sample));
        if (hit) {
          results[promptIndex][sample] = hit;
          done++;
        } else missing.push(sample);
      }
      if (missing.length > 0) jobs.push({ promptIndex, prompt, missing });
    });
    const total = prompts.length * n;
    request.onProgress?.(done, total);
    await forEachBounded(jobs, this.concurrency, async (job) => {
      await this.answerPrompt(job, request, (sample, completion) => {
        results[job.promptIndex][sample] = completion;
        done++;
      });
      request.onProgress?.(done, total);
    });
    return results;
  }

  /** Asks until every missing sample of the prompt has an answer; each answer is cached as soon as it arrives. */
  private async answerPrompt(job: PromptJob, request: GenerationRequest, store: (sample: number, c: Completion) => void): Promise<void> {
    let missing = job.missing;
    const most = this.options.maxSamplesPerRequest ?? 64;
    while (missing.length > 0) {
      const chunk = missing.slice(0, most);
      const answer = await this.requestCompletions(job.prompt, chunk.length, requestSeed(request.seed, job.prompt, chunk[0]), request);
      // a server that ignores n returns one choice; a larger count than asked is cut to the request
      const got = answer.choices.slice(0, chunk.length);
      const completions = splitTokens(got, got.length === answer.choices.length ? answer.completionTokens : null);
      this.cache.putMany(completions.map((completion, c) => ({ key: this.keyOf(job.prompt, request, chunk[c]), completion })));
      completions.forEach((completion, c) => store(chunk[c], completion));
      this.completionsFetched += completions.length;
      missing = missing.slice(got.length);
    }
  }

  private async requestCompletions(prompt: string, n: number, seed: number, request: GenerationRequest): Promise<{ choices: CompletionsChoice[]; completionTokens: number | null }> {
    const body: Record<string, unknown> = {
      ...this.options.extraBody,
      model: this.model,
      prompt,
      n,
      max_tokens: request.sampling.maxNewTokens,
      temperature: request.sampling.temperature,
      top_p: request.sampling.temperature === 0 ? 1 : request.sampling.topP,
    };
    if (request.sampling.stop && request.sampling.stop.length > 0) body.stop = request.sampling.stop;
    if (this.options.sendSeed ?? true) body.seed = seed;
    this.requestsSent++;
    const answer = (await postJson(this.url, body, {
      headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      policy: this.policy,
      signal: request.signal,
      fetchImpl: this.options.fetchImpl,
      secrets: this.options.apiKey ? [this.options.apiKey] : [],
      onRetry: this.options.onRetry,
      validate: validateCompletions,
    })) as { choices: CompletionsChoice[]; usage?: { completion_tokens?: unknown } };
    const choices = [...answer.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const used = answer.usage?.completion_tokens;
    return { choices, completionTokens: typeof used === 'number' && Number.isFinite(used) && used >= 0 ? used : null };
  }

  private keyOf(prompt: string, request: GenerationRequest, sample: number): AnswerKey {
    return { model: this.model, prompt, sampling: normalizedSampling(request.sampling), seed: request.seed, sample };
  }
}

/** The fields that change answers, nothing else (callbacks and undefined fields stay out of the cache key). */
function normalizedSampling(s: SamplingSettings): SamplingSettings {
  return { temperature: s.temperature, topP: s.topP, maxNewTokens: s.maxNewTokens, ...(s.stop && s.stop.length > 0 ? { stop: s.stop } : {}) };
}

function validateRequest(request: GenerationRequest): void {
  if (!Number.isInteger(request.n) || request.n < 1) throw new Error(`n must be a positive integer, got ${request.n}`);
  if (!Number.isInteger(request.seed)) throw new Error(`seed must be an integer, got ${request.seed}`);
  const s = request.sampling;
  if (!(s.temperature >= 0)) throw new Error(`sampling.temperature must be ≥ 0, got ${s.temperature}`);
  if (!(s.topP > 0 && s.topP <= 1)) throw new Error(`sampling.topP must be in (0, 1], got ${s.topP}`);
  if (!Number.isInteger(s.maxNewTokens) || s.maxNewTokens < 1) throw new Error(`sampling.maxNewTokens must be a positive integer, got ${s.maxNewTokens}`);
  request.prompts.forEach((p, i) => {
    if (typeof p !== 'string') throw new Error(`prompts[${i}] is not text`);
  });
}

/** Why a /v1/completions answer is unusable, or null. */
export function validateCompletions(body: unknown): string | null {
  const choices = (body as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) return 'no "choices" list';
  if (choices.length === 0) return '"choices" is empty';
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i] as Partial<CompletionsChoice> | null;
    if (typeof c?.text !== 'string') return `choices[${i}].text is not text`;
  }
  return null;
}

/**
 * Per-completion token counts. The completions API reports only the request's total (usage.completion_tokens);
 * with one choice that is exact, with several it is shared out in proportion to text length (the sum stays exact).
 * Without usage, ~4 characters per token.
 */
function splitTokens(choices: CompletionsChoice[], total: number | null): Completion[] {
  const chars = choices.reduce((sum, c) => sum + c.text.length, 0);
  let left = total ?? 0;
  return choices.map((c, i) => {
    let tokens: number;
    if (total === null) tokens = Math.max(1, Math.ceil(c.text.length / 4));
    else if (i === choices.length - 1) tokens = left;
    else tokens = chars === 0 ? Math.floor(total / choices.length) : Math.round((total * c.text.length) / chars);
    left -= tokens;
    const completion: Completion = { text: c.text, tokens: Math.max(0, tokens) };
    if (c.finish_reason === 'length') completion.truncated = true;
    return completion;
  });
}

/**
 * The seed sent for the samples of `prompt` starting at sample `first`: distinct per prompt and per follow-up
 * request (so a server that returns fewer samples than asked gives new ones next time), the same on every rerun.
 */
export function requestSeed(seed: number, prompt: string, first: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the prompt, started from the run's seed
  for (let i = 0; i < prompt.length; i++) {
    h ^= prompt.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.imul(first + 1, 0x9e3779b1);
  return (h >>> 1) % 2147483647; // non-negative 31-bit: every server takes it
}
