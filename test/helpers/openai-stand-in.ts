// A stand-in for an OpenAI-compatible inference server, on loopback, for the remote-backend tests: /v1/completions
// (n, seed, stop, max_tokens, temperature), /v1/embeddings and /v1/models, answering from a small deterministic
// model of right and wrong answers. Each known problem has a pass rate; sample j of a request is right when a hash
// of (prompt, seed, j) falls under it, so the same request always gets the same texts. Greedy (temperature 0)
// answers right exactly when the pass rate is at least 1/2. Failure modes (HTTP errors, hangs, malformed JSON,
// dropped connections, ignoring n) can be scheduled for the next requests or every k-th one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInProblem {
  question: string;
  answer: string;
  /** chance that a sampled answer is right, in [0, 1] */
  passRate: number;
}

export type FailureKind = 'http500' | 'http429' | 'hang' | 'malformed' | 'drop' | 'no-choices';

export interface StandInOptions {
  problems: StandInProblem[];
  /** the served model names (the first is listed first); default ["stand-in"] */
  models?: string[];
  /** requests must carry `Authorization: Bearer <apiKey>` */
  apiKey?: string;
  embeddingDim?: number;
  /** like servers without `n` support: one choice per request whatever n asks */
  ignoreN?: boolean;
  /** answer browsers from this origin (CORS headers and OPTIONS preflights); default: no CORS headers at all */
  corsOrigin?: string;
  /** the pass rate a served model has on a problem (a trained checkpoint answers better); default problem.passRate */
  passRateFor?: (problem: StandInProblem, model: string) => number;
}

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown> | null;
  authorization: string | undefined;
  failedAs: FailureKind | null;
}

export class OpenAIStandIn {
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private scheduled: FailureKind[] = [];
  private periodic: { every: number; kind: FailureKind } | null = null;
  private served = 0;

  constructor(private readonly options: StandInOptions) {}

  /** http://127.0.0.1:PORT/v1 */
  endpoint = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** The next `count` requests fail as `kind`. */
  failNext(count: number, kind: FailureKind): void {
    for (let i = 0; i < count; i++) this.scheduled.push(kind);
  }

  /** Every `every`-th request (counting all requests) fails as `kind`; null stops it. */
  failEvery(every: number | null, kind: FailureKind = 'http500'): void {
    this.periodic = every === null ? null : { every, kind };
  }

  /** Completions requests that produced choices. */
  get completionRequestsAnswered(): number {
    return this.requests.filter((r) => r.path.endsWith('/completions') && r.failedAs === null).length;
  }

  /** The deterministic answer model: sample `sample` of `prompt` under `seed`. Exposed so tests can predict it. */
  answerFor(prompt: string, seed: number, sample: number, temperature: number, model = this.models()[0]): { text: string; right: boolean } | null {
    const problem = this.problemIn(prompt);
    if (!problem) return null;
    const passRate = this.options.passRateFor ? this.options.passRateFor(problem, model) : problem.passRate;
    const right = temperature === 0 ? passRate >= 0.5 : unitHash(`${seed}|${sample}|${prompt}`) < passRate;
    const answer = right ? problem.answer : wrongAnswer(problem.answer, unitHash(`wrong|${seed}|${sample}|${prompt}`));
    const steps = 1 + Math.floor(unitHash(`steps|${seed}|${sample}|${prompt}`) * 3);
    const lines = Array.from({ length: steps }, (_, i) => `Step ${i + 1}: work on the problem.`);
    return { text: `${lines.join('\n')}\nThe answer is \\boxed{${answer}}.`, right };
  }

  private byQuestion: Map<string, StandInProblem> | null = null;

  private problemIn(prompt: string): StandInProblem | undefined {
    // the prompt itself, or the question it starts with (the loop's prompt format is the question and a newline)
    this.byQuestion ??= new Map(this.options.problems.map((p) => [p.question.trim(), p]));
    const exact = this.byQuestion.get(prompt.trim()) ?? this.byQuestion.get(prompt.split('\n')[0].trim());
    if (exact) return exact;
    // otherwise the longest question contained in the prompt
    let best: StandInProblem | undefined;
    for (const p of this.options.problems) if (prompt.includes(p.question) && (!best || p.question.length > best.question.length)) best = p;
    return best;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const raw = await readBody(req);
    let body: Record<string, unknown> | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    this.served++;
    const failure = this.scheduled.shift() ?? (this.periodic && this.served % this.periodic.every === 0 ? this.periodic.kind : null);
    const record: RecordedRequest = { path, body, authorization: req.headers.authorization, failedAs: failure };
    this.requests.push(record);
    if (this.options.corsOrigin) {
      res.setHeader('access-control-allow-origin', this.options.corsOrigin);
      res.setHeader('access-control-allow-headers', 'authorization, content-type');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    }
    if (failure !== null && failure !== 'no-choices') return this.fail(failure, res);
    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      record.failedAs = 'http500';
      return sendJson(res, 401, { error: { message: 'Invalid API key', type: 'authentication_error' } });
    }
    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, { object: 'list', data: this.models().map((id) => ({ id, object: 'model' })) });
    if (req.method !== 'POST' || body === null) return sendJson(res, 400, { error: { message: 'expected a JSON POST body' } });
    if (!this.models().includes(String(body.model))) return sendJson(res, 404, { error: { message: `The model \`${String(body.model)}\` does not exist.` } });
    if (path === '/v1/completions') return failure === 'no-choices' ? sendJson(res, 200, { choices: [] }) : this.completions(body, res);
    if (path === '/v1/embeddings') return this.embeddings(body, res);
    sendJson(res, 404, { error: { message: `no route ${path}` } });
  }

  private models(): string[] {
    return this.options.models ?? ['stand-in'];
  }

  private fail(kind: FailureKind, res: ServerResponse): void {
    switch (kind) {
      case 'http500':
        return sendJson(res, 500, { error: { message: 'internal error (scheduled)' } });
      case 'http429':
        res.setHeader('retry-after', '0');
        return sendJson(res, 429, { error: { message: 'too many requests (scheduled)' } });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"choices": [{"text": "The answer is');
      case 'drop':
        return void res.socket?.destroy();
      case 'hang':
        return; // never answers; the client's timeout must fire
      case 'no-choices':
        return sendJson(res, 200, { choices: [] });
    }
  }

  private completions(body: Record<string, unknown>, res: ServerResponse): void {
    const prompt = body.prompt;
    if (typeof prompt !== 'string') return sendJson(res, 400, { error: { message: 'this stand-in takes one prompt string per request' } });
    const n = this.options.ignoreN ? 1 : Number(body.n ?? 1);
    const seed = Number(body.seed ?? 0);
    const temperature = Number(body.temperature ?? 1);
    const maxTokens = Number(body.max_tokens ?? 16);
    const choices = [];
    let tokens = 0;
    for (let j = 0; j < n; j++) {
      const answer = this.answerFor(prompt, seed, j, temperature, String(body.model));
      let text = answer?.text ?? 'I do not know this one.';
      const words = text.split(/\s+/);
      const truncated = words.length > maxTokens;
      if (truncated) text = words.slice(0, maxTokens).join(' ');
      text = cutAtStop(text, body.stop);
      tokens += Math.min(words.length, maxTokens);
      choices.push({ index: j, text, finish_reason: truncated ? 'length' : 'stop', logprobs: null });
    }
    sendJson(res, 200, { id: `cmpl-${this.served}`, object: 'text_completion', model: body.model, choices, usage: { prompt_tokens: prompt.split(/\s+/).length, completion_tokens: tokens, total_tokens: tokens } });
  }

  private embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || input.some((t) => typeof t !== 'string')) return sendJson(res, 400, { error: { message: '"input" must be a string or a list of strings' } });
    const dim = this.options.embeddingDim ?? 16;
    const data = (input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: Array.from(hashedVector(text, dim)) }));
    // answer out of order, as some servers do: clients must use `index`
    data.reverse();
    sendJson(res, 200, { object: 'list', model: body.model, data, usage: { prompt_tokens: 0, total_tokens: 0 } });
  }
}

/** A deterministic, L2-normalized bag-of-words vector. */
export function hashedVector(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (const word of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
    const h = Math.floor(unitHash(word) * dim * 2);
    v[h % dim] += h >= dim ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  for (let i = 0; i < dim; i++) v[i] /= norm;
  return v;
}

function wrongAnswer(answer: string, u: number): string {
  const n = Number(answer);
  if (Number.isFinite(n) && answer.trim() !== '') return String(n + 1 + Math.floor(u * 5));
  return `${answer}+${1 + Math.floor(u * 5)}`;
}

function cutAtStop(text: string, stop: unknown): string {
  const stops = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string') : [];
  let end = text.length;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** FNV-1a, mapped to [0, 1). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
