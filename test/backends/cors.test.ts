import { describe, expect, it } from 'vitest';
import { explainFetchFailure } from '../../src/backends/cors.ts';
import { RemoteError } from '../../src/backends/http.ts';
import { OpenAICompletionsBackend } from '../../src/backends/openai.ts';

describe('explaining a failed fetch from the page', () => {
  it('names CORS, the server flags that allow the origin, and how to tell a down server apart', () => {
    const text = explainFetchFailure(new TypeError('Failed to fetch'), 'http://10.0.0.5:8000/v1', 'http://localhost:4173');
    expect(text).toContain('refused this page\'s origin http://localhost:4173 (CORS)');
    expect(text).toContain(`--allowed-origins '["http://localhost:4173"]'`);
    expect(text).toContain('--cors-allow-origin http://localhost:4173');
    expect(text).toContain('open http://10.0.0.5:8000/v1/models in a new tab');
    expect(text).not.toContain('mixed content');
  });

  it('adds the mixed-content rule for an https page and an http endpoint, and passes other errors through', () => {
    expect(explainFetchFailure(new TypeError('NetworkError when attempting to fetch resource.'), 'http://gpu:8000', 'https://lab.example')).toContain('mixed content');
    const other = explainFetchFailure(new RemoteError('POST http://gpu:8000/v1/completions: HTTP 404: no model', 404, false), 'http://gpu:8000', 'http://localhost:4173');
    expect(other).toBe('The request to http://gpu:8000 failed: POST http://gpu:8000/v1/completions: HTTP 404: no model');
  });

  it('recognizes the failure the backend reports when fetch itself fails (nothing listening)', async () => {
    // port 9 on loopback: nothing listens, fetch rejects at the network level as it does on a CORS refusal
    const backend = new OpenAICompletionsBackend({ endpoint: 'http://127.0.0.1:9/v1', model: 'm', retry: { retries: 0, initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 2000 } });
    const error = await backend.generate({ prompts: ['x'], n: 1, seed: 1, sampling: { temperature: 0, topP: 1, maxNewTokens: 4 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(explainFetchFailure(error, 'http://127.0.0.1:9/v1', 'http://localhost:4173')).toContain('(CORS)');
  });
});
