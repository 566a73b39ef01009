// JSON over HTTP for the remote backends: one POST with a per-request timeout, retried with exponential backoff
// when the failure is transient (network error, timeout, 408/409/425/429/5xx, a body that is not the JSON we
// expect). Works with the fetch of Node 20 and of browsers. Error messages never contain request headers, so an
// API key cannot leak through them; a key echoed back in a response body is redacted too.

export interface RetryPolicy {
  /** attempts after the first one */
  retries: number;
  /** wait before the first retry; doubles each time (exponential backoff), capped at maxDelayMs */
  initialDelayMs: number;
  maxDelayMs: number;
  /** one attempt is aborted after this long (a server that hangs counts as a transient failure) */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, initialDelayMs: 500, maxDelayMs: 15_000, timeoutMs: 120_000 };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface PostOptions {
  headers?: Record<string, string>;
  policy?: RetryPolicy;
  signal?: AbortSignal;
  fetchImpl?: FetchLike;
  /** strings to blank out of any error message (the API key) */
  secrets?: string[];
  /** called before each retry, for logs and tests: the attempt that failed (1-based) and why */
  onRetry?: (attempt: number, reason: string) => void;
  /** checks the parsed body; returns the reason it is unusable (retried like a transient failure), or null */
  validate?: (body: unknown) => string | null;
}

/** An HTTP failure with what the user needs to act on: status, whether retrying could help, the server's words. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

const TRANSIENT_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/** POSTs `body` as JSON to `url` and returns the parsed JSON answer, retrying transient failures per `policy`. */
export async function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<unknown> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const payload = JSON.stringify(body);
  let lastError: RemoteError | null = null;
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await attemptOnce(url, payload, policy.timeoutMs, options);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const remote = toRemoteError(error, url, options.secrets ?? []);
      if (!remote.transient || attempt > policy.retries) {
        throw attempt > 1 ? new RemoteError(`${remote.message} (after ${attempt} attempts)`, remote.status, remote.transient) : remote;
      }
      lastError = remote;
      options.onRetry?.(attempt, remote.message);
      await sleep(backoffMs(policy, attempt, retryAfterOf(error)), options.signal);
    }
  }
  throw lastError ?? new RemoteError(`POST ${url} failed`, null, false);
}

/** Exponential backoff: initialDelay · 2^(attempt−1), capped; a server's Retry-After wins when it is longer. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | null = null): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return retryAfterMs === null ? exponential : Math.min(policy.maxDelayMs, Math.max(exponential, retryAfterMs));
}

class StatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status}`);
  }
}

class BodyFailure extends Error {}

class Timeout extends Error {}

async function attemptOnce(url: string, payload: string, timeoutMs: number, options: PostOptions): Promise<unknown> {
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: payload,
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) throw new StatusFailure(response.status, serverMessage(text), retryAfterHeader(response));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BodyFailure(`the answer is not valid JSON (starts with ${JSON.stringify(text.slice(0, 80))})`);
    }
    const problem = options.validate?.(parsed) ?? null;
    if (problem !== null) throw new BodyFailure(`the answer is not in the expected shape: ${problem}`);
    return parsed;
  } catch (error) {
    // fetch rejects with the abort reason; a timeout shows up as our Timeout
    if (controller.signal.aborted && controller.signal.reason instanceof Timeout) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function toRemoteError(error: unknown, url: string, secrets: string[]): RemoteError {
  const redact = (text: string) => secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
  if (error instanceof StatusFailure) {
    const hint = error.status === 401 || error.status === 403 ? ' (check the API key variable)' : error.status === 404 ? ' (check the endpoint URL and the model name)' : '';
    return new RemoteError(redact(`POST ${url}: HTTP ${error.status}${hint}${error.detail ? `: ${error.detail}` : ''}`), error.status, TRANSIENT_STATUS.has(error.status));
  }
  if (error instanceof Timeout) return new RemoteError(`POST ${url}: ${error.message}`, null, true);
  if (error instanceof BodyFailure) return new RemoteError(redact(`POST ${url}: ${error.message}`), null, true);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteError(redact(`POST ${url}: ${message}${cause}`), null, true);
}

/** The server's own error text: OpenAI-style {"error": {"message"}} or {"message"}, else the raw body's start. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    if (typeof body.error === 'object' && typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.error === 'string') return body.error;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: fall through
  }
  return text.trim().slice(0, 200);
}

function retryAfterHeader(response: Response): number | null {
  const value = response.headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

function retryAfterOf(error: unknown): number | null {
  return error instanceof StatusFailure ? error.retryAfterMs : null;
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts (at once when it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
