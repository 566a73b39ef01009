// Remote backends for the command line (Node): the options `sai-dpo run` takes for them and the factories that
// turn parsed options into a generation backend, a trainer and an embedder. A command spreads the option tables
// into its parseArgs options and calls the factories, giving them its own engine-backed defaults:
//
//   const backend = await backendFromOptions(values, { outDir, engine: () => engineBackend });
//   const trainer = trainerFromOptions(values, { outDir, backend, resume, engine: () => engineTrainer });
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../data/tagging/embedder.ts';
import type { GenerationBackend } from '../loop/backend.ts';
import type { Trainer } from '../loop/trainer.ts';
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

/** parseArgs options for choosing where answers come from. */
export const BACKEND_CLI_OPTIONS = {
  backend: { type: 'string' },
  endpoint: { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string' },
  concurrency: { type: 'string' },
  'request-timeout': { type: 'string' },
  retries: { type: 'string' },
  'answer-cache': { type: 'string' },
} as const;

/** parseArgs options for choosing who trains. */
export const TRAINER_CLI_OPTIONS = {
  trainer: { type: 'string' },
  checkpoint: { type: 'string' },
  'base-model-path': { type: 'string' },
  'checkpoint-poll': { type: 'string' },
} as const;

/** parseArgs options for a remote embedder. */
export const EMBEDDER_CLI_OPTIONS = {
  'embed-endpoint': { type: 'string' },
  'embed-model': { type: 'string' },
  'embed-batch': { type: 'string' },
} as const;

export const BACKEND_USAGE = `generation backend:
  --backend engine|openai     engine (default): the WebGPU engine; openai: an OpenAI-compatible completions server
  --endpoint URL              openai: the server, e.g. http://127.0.0.1:8000/v1
  --model NAME                openai: the served model name
  --api-key-env VAR           openai: read the API key from environment variable VAR (never written anywhere)
  --concurrency N             openai: requests in flight (default 16)
  --request-timeout S         openai: seconds before one request is abandoned and retried (default 120)
  --retries N                 openai: retries per request, with exponential backoff (default 4)
  --answer-cache FILE         openai: the answer cache (default OUT/answer-cache.jsonl); a rerun reuses it
trainer:
  --trainer engine|external   engine (default): DPO with LoRA on the WebGPU engine; external: write TRL / OpenRLHF
                              hand-off folders under OUT/external/iter-N and wait for each new checkpoint
  --checkpoint PATH|NAME      external: the checkpoint of the iteration being waited for (with --resume)
  --base-model-path PATH      external: the starting weights to train from (default: --model)
  --checkpoint-poll S         external: seconds between looks for OUT/external/iter-N/CHECKPOINT (default 2)`;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

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
  if (!remote && !context.onCheckpoint) throw new Error('--trainer external needs --backend openai: the new checkpoint is served by the inference server, which the loop then asks');
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
  if (key === undefined || key.trim() === '') throw new Error(`--api-key-env ${variable}: the environment variable ${variable} is not set`);
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
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`--${name} needs a value`);
  return v.trim();
}

function required(values: Values, name: string, because: string): string {
  const v = text(values, name);
  if (v === undefined) throw new Error(`--${name} is required with ${because}`);
  return v;
}

function choice<T extends string>(values: Values, name: string, allowed: readonly T[], fallback: T): T {
  const v = text(values, name) ?? fallback;
  if (!allowed.includes(v as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function integer(values: Values, name: string, fallback: number, min = 1): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

function positive(values: Values, name: string, fallback: number): number {
  const v = text(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number of seconds, got "${v}"`);
  return n;
}

function refuseUnless(values: Values, names: string[], needs: string): void {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length > 0) throw new Error(`${given.map((n) => `--${n}`).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} with ${needs}`);
}
