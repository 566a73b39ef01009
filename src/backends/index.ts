// Remote backends for the command line (Node): the options `sai-dpo run` takes for them and the factories that
// turn parsed options into a generation backend, a trainer and an embedder. A command spreads REMOTE_RUN_OPTIONS
// into its own options and calls the factories, giving them its engine-backed defaults:
//
//   const backend = await backendFromOptions(values, { outDir, engine: () => engineBackend });
//   const trainer = await trainerFromOptions(values, { outDir, backend, resume, engine: () => engineTrainer });
//
// or, for the loop, policyFromOptions (both at once; undefined when both are the engine's).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../data/tagging/embedder.ts';
import type { GenerationBackend } from '../loop/backend.ts';
import type { Trainer } from '../loop/trainer.ts';
import { UsageError, type OptionSpecs } from '../cli/args.ts';
import { DiskAnswerCache } from './disk-answer-cache.ts';
import { ExternalTrainer, type Checkpoint } from './external-trainer.ts';
import { OpenAIEmbedder } from './openai-embedder.ts';
import { OpenAICompletionsBackend } from './openai.ts';
import { waitForServedModel } from './served-models.ts';

export { OpenAICompletionsBackend } from './openai.ts';
export { OpenAIEmbedder } from './openai-embedder.ts';
export { ExternalTrainer, parseCheckpoint, type Checkpoint } from './external-trainer.ts';
export { DiskAnswerCache } from './disk-answer-cache.ts';
export { explainFetchFailure } from './cors.ts';

/**
 * The options `sai-dpo run` takes for remote backends, in the CLI's option format (src/cli/args.ts). No defaults
 * here (the factories apply them), so an option given with the wrong --backend / --trainer can be named.
 */
export const REMOTE_RUN_OPTIONS = {
  backend: { kind: 'string', choices: ['engine', 'openai'], placeholder: 'engine|openai', help: 'where answers come from: engine (default), the WebGPU engine; openai, an OpenAI-compatible completions server' },
  endpoint: { kind: 'string', placeholder: 'URL', help: 'openai: the server, e.g. http://127.0.0.1:8000/v1' },
  model: { kind: 'string', placeholder: 'NAME', help: 'openai: the served model name' },
  'api-key-env': { kind: 'string', placeholder: 'VAR', help: 'openai: read the API key from environment variable VAR (never written anywhere)' },
  concurrency: { kind: 'integer', min: 1, help: 'openai: requests in flight (default 16)' },
  'request-timeout': { kind: 'number', above: 0, placeholder: 'S', help: 'openai: seconds before a request is abandoned and retried (default 120)' },
  retries: { kind: 'integer', min: 0, help: 'openai: retries per request, with exponential backoff (default 4)' },
  'answer-cache': { kind: 'string', placeholder: 'FILE', help: 'openai: the answer cache (default OUT/answer-cache.jsonl); an interrupted run reuses it' },
  trainer: { kind: 'string', choices: ['engine', 'external'], placeholder: 'engine|external', help: 'who trains: engine (default), DPO with LoRA on the WebGPU engine; external, TRL / OpenRLHF hand-off folders in OUT/external/iter-N, then wait for the new checkpoint' },
  checkpoint: { kind: 'string', placeholder: 'PATH|NAME', help: 'external: the new checkpoint of the iteration being waited for (with --resume)' },
  'base-model-path': { kind: 'string', placeholder: 'PATH', help: 'external: the starting weights the first iteration trains from (default: --model)' },
  'checkpoint-poll': { kind: 'number', above: 0, placeholder: 'S', help: 'external: seconds between looks for OUT/external/iter-N/CHECKPOINT (default 2)' },
} as const satisfies OptionSpecs;

/** Options for a remote embedder, in the same format. */
export const REMOTE_EMBEDDER_OPTIONS = {
  'embed-endpoint': { kind: 'string', placeholder: 'URL', help: 'an OpenAI-compatible /v1/embeddings server for the knowledge embeddings' },
  'embed-model': { kind: 'string', placeholder: 'NAME', help: 'the embedding model it serves' },
  'embed-batch': { kind: 'integer', min: 1, help: 'texts per embeddings request (default 128)' },
} as const satisfies OptionSpecs;

type Values = Record<string, unknown>;

export interface BackendContext {
  /** the run's output folder (the answer cache goes there) */
  outDir: string;
  /** the default backend, made only when chosen */
  engine: () => GenerationBackend | Promise<GenerationBackend>;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

export async function backendFromOptions(values: Values, context: BackendContext): Promise<GenerationBackend> {
  const kind = choice(values, 'backend', ['engine', 'openai'], 'engine');
  if (kind === 'engine') {
    refuseUnless(values, ['endpoint', 'model', 'api-key-env', 'concurrency', 'request-timeout', 'retries', 'answer-cache'], '--backend openai');
    return context.engine();
  }
  const cacheFile = text(values, 'answer-cache') ?? join(context.outDir, 'answer-cache.jsonl');
  const cache = new DiskAnswerCache(cacheFile);
  if (cache.skipped.length > 0) context.log?.(`answer cache ${cacheFile}: skipped ${cache.skipped.map((s) => `line ${s.line} (${s.reason})`).join(', ')}`);
  if (cache.size > 0) context.log?.(`answer cache ${cacheFile}: ${cache.size} answers from earlier runs`);
  const timeout = positive(values, 'request-timeout', 120);
  return new OpenAICompletionsBackend({
    endpoint: required(values, 'endpoint', '--backend openai'),
    model: required(values, 'model', '--backend openai'),
    apiKey: apiKeyFrom(values, context.env ?? process.env),
    concurrency: integer(values, 'concurrency', 16),
    retry: { retries: integer(values, 'retries', 4, 0), timeoutMs: timeout * 1000 },
    cache,
    onRetry: (attempt, reason) => context.log?.(`retrying (attempt ${attempt + 1}): ${reason}`),
  });
}

export interface TrainerContext {
  outDir: string;
  /** the backend the run generates with; an external checkpoint switches an OpenAI backend to the new model */
  backend: GenerationBackend;
  /** whether the run resumes (a hand-off folder with recorded checkpoints is only reused on resume) */
  resume: boolean;
  engine: () => Trainer | Promise<Trainer>;
  /** how a checkpoint becomes the backend's policy when the backend is not an OpenAI one */
  onCheckpoint?: (checkpoint: Checkpoint, iteration: number) => Promise<void> | void;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** how long to wait for a new checkpoint to be served; default: until stopped */
  serveTimeoutMs?: number;
}

export async function trainerFromOptions(values: Values, context: TrainerContext): Promise<Trainer> {
  const kind = choice(values, 'trainer', ['engine', 'external'], 'engine');
  if (kind === 'engine') {
    refuseUnless(values, ['checkpoint', 'base-model-path', 'checkpoint-poll'], '--trainer external');
    return context.engine();
  }
  const remote = context.backend instanceof OpenAICompletionsBackend ? context.backend : null;
  if (!remote && !context.onCheckpoint) throw new UsageError('--trainer external needs --backend openai: the new checkpoint is served by the inference server, which the loop then asks');
  const dir = join(context.outDir, 'external');
  const stateFile = join(dir, 'trainer-state.json');
  if (!context.resume && existsSync(stateFile) && hasCheckpoints(stateFile)) {
    throw new Error(`${dir} holds the checkpoints of an earlier run; continue it with --resume, or choose another --out`);
  }
  const base: Checkpoint = { path: text(values, 'base-model-path') ?? remote?.modelName, model: remote?.modelName };
  const trainer = new ExternalTrainer({
    dir,
    base,
    checkpoint: text(values, 'checkpoint'),
    pollMs: positive(values, 'checkpoint-poll', 2) * 1000,
    log: context.log,
    signal: context.signal,
    onCheckpoint: async (checkpoint, iteration) => {
      if (context.onCheckpoint) return context.onCheckpoint(checkpoint, iteration);
      const name = checkpoint.model ?? checkpoint.path!;
      await waitForServedModel(remote!.endpoint, name, { apiKey: apiKeyFrom(values, context.env ?? process.env), log: context.log, signal: context.signal, timeoutMs: context.serveTimeoutMs, pollMs: 2000 });
      remote!.setModel(name);
    },
  });
  // a resumed run answers with the latest policy it has already handed back
  const latest = latestRecorded(stateFile);
  if (remote && latest) remote.setModel(latest.model ?? latest.path!);
  return trainer;
}

/** What the loop needs for its policy (structurally the loop's Policy): answers, training, clean-up. */
export interface RemotePolicy {
  backend: GenerationBackend;
  trainer: Trainer;
  dispose(): Promise<void> | void;
}

export interface PolicyContext {
  outDir: string;
  resume: boolean;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * The loop's policy from the command line: undefined when both --backend and --trainer are the engine's (the
 * caller keeps its own), else a loader for the remote policy (an OpenAI-compatible server answers, an external
 * trainer trains). Every option is checked now, before any work starts; nothing is opened until the loader runs.
 */
export function policyFromOptions(values: Values, context: PolicyContext): (() => Promise<RemotePolicy>) | undefined {
  const backendKind = choice(values, 'backend', ['engine', 'openai'], 'engine');
  const trainerKind = choice(values, 'trainer', ['engine', 'external'], 'engine');
  if (backendKind === 'engine' && trainerKind === 'engine') {
    refuseUnless(values, ['endpoint', 'model', 'api-key-env', 'concurrency', 'request-timeout', 'retries', 'answer-cache'], '--backend openai');
    refuseUnless(values, ['checkpoint', 'base-model-path', 'checkpoint-poll'], '--trainer external');
    return undefined;
  }
  if (backendKind === 'openai' && trainerKind === 'engine') throw new UsageError('--backend openai needs --trainer external: the engine cannot train a model another server serves');
  if (backendKind === 'engine') throw new UsageError('--trainer external needs --backend openai: the new checkpoint is served by the inference server, which the loop then asks');
  required(values, 'endpoint', '--backend openai');
  required(values, 'model', '--backend openai');
  apiKeyFrom(values, context.env ?? process.env);
  const noEngine = () => {
    throw new Error('unreachable: the engine is not used with --backend openai --trainer external');
  };
  return async () => {
    const backend = await backendFromOptions(values, { outDir: context.outDir, engine: noEngine, env: context.env, log: context.log });
    const trainer = await trainerFromOptions(values, { outDir: context.outDir, backend, resume: context.resume, engine: noEngine, env: context.env, log: context.log, signal: context.signal });
    return { backend, trainer, dispose: () => backend.dispose?.() };
  };
}

export async function embedderFromOptions(values: Values, context: { env?: Record<string, string | undefined>; log?: (line: string) => void }): Promise<Embedder | null> {
  const endpoint = text(values, 'embed-endpoint');
  if (endpoint === undefined) {
    refuseUnless(values, ['embed-model', 'embed-batch'], '--embed-endpoint');
    return null;
  }
  return OpenAIEmbedder.connect({
    endpoint,
    model: required(values, 'embed-model', '--embed-endpoint'),
    apiKey: apiKeyFrom(values, context.env ?? process.env),
    batchSize: integer(values, 'embed-batch', 128),
    onRetry: (attempt, reason) => context.log?.(`retrying (attempt ${attempt + 1}): ${reason}`),
  });
}

/** The key from the variable --api-key-env names; an error names the variable, never a value. */
function apiKeyFrom(values: Values, env: Record<string, string | undefined>): string | undefined {
  const variable = text(values, 'api-key-env');
  if (variable === undefined) return undefined;
  const key = env[variable];
  if (key === undefined || key.trim() === '') throw new UsageError(`--api-key-env ${variable}: the environment variable ${variable} is not set`);
  return key.trim();
}

function hasCheckpoints(file: string): boolean {
  try {
    return Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { checkpoints?: object }).checkpoints ?? {}).length > 0;
  } catch {
    return true;
  }
}

function latestRecorded(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  const checkpoints = (JSON.parse(readFileSync(file, 'utf8')) as { checkpoints: Record<string, Checkpoint> }).checkpoints;
  const last = Object.keys(checkpoints).map(Number).sort((a, b) => b - a)[0];
  return last === undefined ? null : checkpoints[String(last)];
}

function text(values: Values, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a value`);
  return v.trim();
}

function required(values: Values, name: string, because: string): string {
  const v = text(values, name);
  if (v === undefined) throw new UsageError(`--${name} is required with ${because}`);
  return v;
}

function choice<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const v = text(values, name) ?? fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function integer(values: Values, name: string, fallback: number, min = 1): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

function positive(values: Values, name: string, fallback: number): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds, got "${v}"`);
  return n;
}

function refuseUnless(values: Values, names: string[], needs: string): void {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} with ${needs}`);
}
