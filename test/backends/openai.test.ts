import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskAnswerCache } from '../../src/backends/disk-answer-cache.ts';
import { OpenAICompletionsBackend, requestSeed, type OpenAIBackendOptions } from '../../src/backends/openai.ts';
import type { GenerationRequest } from '../../src/loop/backend.ts';
import { verify } from '../../src/verify/index.ts';
import { OpenAIStandIn, type StandInOptions } from '../helpers/openai-stand-in.ts';

const PROBLEMS = Array.from({ length: 12 }, (_, i) => ({ question: `What is ${i} + ${i + 3}?`, answer: String(2 * i + 3), passRate: (i % 5) / 4 }));
// a generous timeout: a request that the client abandons on a loaded machine would be answered twice and miscounted
const FAST_RETRY = { retries: 3, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 };

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    prompts: PROBLEMS.map((p) => `Question: ${p.question}\nAnswer:`),
    n: 8,
    sampling: { temperature: 1, topP: 1, maxNewTokens: 64 },
    seed: 7,
    ...overrides,
  };
}

describe('OpenAI completions backend against the stand-in server', () => {
  let server: OpenAIStandIn;
  let dir: string;
  const start = async (options: Partial<StandInOptions> = {}) => {
    server = await new OpenAIStandIn({ problems: PROBLEMS, ...options }).start();
    return server;
  };
  const backend = (options: Partial<OpenAIBackendOptions> = {}) =>
    new OpenAICompletionsBackend({ endpoint: server.endpoint, model: 'stand-in', retry: FAST_RETRY, concurrency: 4, ...options });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openai-backend-'));
  });
  afterEach(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns n completions per prompt, in order, with token counts, judged as the answer model says', async () => {
    await start();
    const out = await backend().generate(request());
    expect(out).toHaveLength(PROBLEMS.length);
    out.forEach((completions, i) => {
      expect(completions).toHaveLength(8);
      const prompt = `Question: ${PROBLEMS[i].question}\nAnswer:`;
      completions.forEach((c, j) => {
        // the seed sent for a prompt's first request is requestSeed(seed, prompt, 0)
        expect(c.text).toBe(server.answerFor(prompt, requestSeed(7, prompt, 0), j, 1)!.text);
        expect(c.tokens).toBeGreaterThan(0);
      });
      const right = completions.filter((c) => verify(c.text, PROBLEMS[i].answer).equal).length;
      if (PROBLEMS[i].passRate === 0) expect(right).toBe(0);
      if (PROBLEMS[i].passRate === 1) expect(right).toBe(8);
    });
    // one request per prompt: n is batched
    expect(server.completionRequestsAnswered).toBe(PROBLEMS.length);
    const body = server.requests[0].body!;
    expect(body).toMatchObject({ model: 'stand-in', n: 8, max_tokens: 64, temperature: 1, top_p: 1 });
    expect(typeof body.seed).toBe('number');
  });

  it('gives the same texts for the same request and different ones for another seed; greedy follows the pass rate', async () => {
    await start();
    const a = await backend().generate(request());
    const b = await backend().generate(request());
    expect(b.map((r) => r.map((c) => c.text))).toEqual(a.map((r) => r.map((c) => c.text)));
    const c = await backend().generate(request({ seed: 8 }));
    expect(c.flat().map((x) => x.text)).not.toEqual(a.flat().map((x) => x.text));
    const greedy = await backend().generate(request({ n: 1, sampling: { temperature: 0, topP: 1, maxNewTokens: 64 } }));
    greedy.forEach((r, i) => expect(verify(r[0].text, PROBLEMS[i].answer).equal).toBe(PROBLEMS[i].passRate >= 0.5));
  });

  it('retries HTTP 500, 429, malformed JSON, dropped connections and empty choices, and loses nothing', async () => {
    await start();
    server.failNext(1, 'http500');
    server.failNext(1, 'malformed');
    server.failNext(1, 'drop');
    server.failNext(1, 'http429');
    server.failNext(1, 'no-choices');
    const retries: string[] = [];
    const clean = await backend().generate(request({ seed: 3 }));
    await server.stop();
    await start();
    server.failNext(1, 'http500');
    server.failNext(1, 'malformed');
    server.failNext(1, 'drop');
    server.failNext(1, 'http429');
    server.failNext(1, 'no-choices');
    const out = await backend({ onRetry: (_a, reason) => retries.push(reason) }).generate(request({ seed: 3 }));
    expect(out.map((r) => r.map((c) => c.text))).toEqual(clean.map((r) => r.map((c) => c.text)));
    expect(retries).toHaveLength(5);
    expect(retries.some((r) => r.includes('HTTP 500'))).toBe(true);
    expect(retries.some((r) => r.includes('not valid JSON'))).toBe(true);
    expect(retries.some((r) => r.includes('"choices" is empty'))).toBe(true);
  });

  it('times out a request that hangs and retries it', async () => {
    await start();
    server.failNext(2, 'hang');
    const retries: string[] = [];
    const started = performance.now();
    const out = await backend({ concurrency: 1, retry: { ...FAST_RETRY, timeoutMs: 200 }, onRetry: (_a, r) => retries.push(r) }).generate(request({ prompts: request().prompts.slice(0, 2) }));
    expect(out.flat()).toHaveLength(16);
    // the two hangs time out (a slow machine may add one more timeout, never fewer)
    expect(retries.filter((r) => r.includes('no answer within 200 ms')).length).toBeGreaterThanOrEqual(2);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('stops after the retries are spent, keeps every answer it got on disk, and a restart asks only for the rest', async () => {
    await start();
    const cacheFile = join(dir, 'answers.jsonl');
    const first = backend({ cache: new DiskAnswerCache(cacheFile), concurrency: 1 });
    // after 4 prompts are answered the server fails every request: the 5th prompt spends its retries
    let answered = 0;
    const interrupted = first.generate({
      ...request(),
      onProgress: (done) => {
        answered = done;
        if (done === 4 * 8) server.failEvery(1, 'http500');
      },
    });
    await expect(interrupted).rejects.toThrow(/HTTP 500.*after 4 attempts/);
    expect(answered).toBe(32);
    const linesAfterCrash = readFileSync(cacheFile, 'utf8').trim().split('\n');
    expect(linesAfterCrash).toHaveLength(32);
    server.failEvery(null);
    const before = server.completionRequestsAnswered;
    const resumed = backend({ cache: new DiskAnswerCache(cacheFile) });
    const out = await resumed.generate(request());
    expect(server.completionRequestsAnswered - before).toBe(PROBLEMS.length - 4);
    expect(resumed.completionsFetched).toBe((PROBLEMS.length - 4) * 8);
    // the same texts as an uninterrupted run
    const fresh = await backend().generate(request());
    expect(out.map((r) => r.map((c) => c.text))).toEqual(fresh.map((r) => r.map((c) => c.text)));
  });

  it('does not retry a 404 and names the model and endpoint problem', async () => {
    await start();
    const promise = backend({ model: 'no-such-model' }).generate(request());
    await expect(promise).rejects.toThrow(/HTTP 404 \(check the endpoint URL and the model name\): The model `no-such-model` does not exist/);
    expect(server.requests.filter((r) => r.path === '/v1/completions').length).toBeLessThanOrEqual(4);
  });

  it('sends the key as a bearer token and never writes it to the cache or into errors', async () => {
    const key = 'sk-test-0123456789abcdef';
    await start({ apiKey: key });
    const cacheFile = join(dir, 'answers.jsonl');
    await backend({ apiKey: key, cache: new DiskAnswerCache(cacheFile) }).generate(request({ n: 2 }));
    expect(server.requests.every((r) => r.authorization === `Bearer ${key}`)).toBe(true);
    expect(readFileSync(cacheFile, 'utf8')).not.toContain(key);
    const wrong = backend({ apiKey: 'sk-wrong-key-999', cache: new DiskAnswerCache(join(dir, 'other.jsonl')) }).generate(request({ n: 2 }));
    await expect(wrong).rejects.toThrow(/HTTP 401 \(check the API key variable\)/);
    await wrong.catch((e: Error) => expect(e.message).not.toContain('sk-wrong-key-999'));
  });

  it('collects every sample from a server that ignores n, with a distinct seed per follow-up request', async () => {
    await start({ ignoreN: true });
    const out = await backend().generate(request({ prompts: request().prompts.slice(0, 3), n: 4 }));
    expect(out.every((r) => r.length === 4 && r.every((c) => typeof c.text === 'string'))).toBe(true);
    const seeds = server.requests.filter((r) => r.path === '/v1/completions').map((r) => r.body!.seed);
    expect(seeds).toHaveLength(12);
    expect(new Set(seeds).size).toBe(12);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    await start();
    let inFlight = 0;
    let most = 0;
    const fetchImpl = async (url: string, init: RequestInit) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await fetch(url, init);
      } finally {
        inFlight--;
      }
    };
    await backend({ concurrency: 3, fetchImpl }).generate(request({ n: 2 }));
    expect(most).toBe(3);
  });

  it('keys the cache by model, sampling and seed: a new model, temperature or seed asks again', async () => {
    await start({ models: ['stand-in', 'iter-1'] });
    const b = backend({ cache: new DiskAnswerCache(join(dir, 'answers.jsonl')) });
    const small = request({ prompts: request().prompts.slice(0, 2), n: 2 });
    await b.generate(small);
    const afterFirst = b.requestsSent;
    await b.generate(small);
    expect(b.requestsSent).toBe(afterFirst);
    await b.generate({ ...small, sampling: { ...small.sampling, temperature: 0.5 } });
    expect(b.requestsSent).toBe(afterFirst + 2);
    b.setModel('iter-1');
    expect(b.name).toBe('openai:iter-1');
    await b.generate(small);
    expect(b.requestsSent).toBe(afterFirst + 4);
    expect(server.requests.at(-1)!.body!.model).toBe('iter-1');
  });

  it('loads a cache file with a torn last line, reports it by line number, and appends after it safely', async () => {
    await start();
    const cacheFile = join(dir, 'answers.jsonl');
    const small = request({ prompts: request().prompts.slice(0, 2), n: 3 });
    await backend({ cache: new DiskAnswerCache(cacheFile) }).generate(small);
    appendFileSync(cacheFile, '{"k": "abc", "text": "The ans');
    const reopened = new DiskAnswerCache(cacheFile);
    expect(reopened.size).toBe(6);
    expect(reopened.skipped).toEqual([{ line: 7, reason: 'not valid JSON (an interrupted write?)' }]);
    const b = backend({ cache: reopened });
    await b.generate({ ...small, seed: 99 });
    const again = new DiskAnswerCache(cacheFile);
    expect(again.size).toBe(12);
    expect(again.skipped).toHaveLength(1);
  });

  it('rejects bad requests with the field named, and aborts on the signal', async () => {
    await start();
    await expect(backend().generate(request({ n: 0 }))).rejects.toThrow(/n must be a positive integer/);
    await expect(backend().generate(request({ sampling: { temperature: 1, topP: 0, maxNewTokens: 8 } }))).rejects.toThrow(/sampling.topP/);
    expect(() => backend({ endpoint: 'localhost:8000' })).toThrow(/must start with http/);
    server.failNext(100, 'hang');
    const controller = new AbortController();
    const pending = backend({ retry: { ...FAST_RETRY, timeoutMs: 10_000 } }).generate(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('stopped by the user')), 50);
    await expect(pending).rejects.toThrow('stopped by the user');
  });
});
