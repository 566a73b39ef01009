// The browser-safe backend (src/backends/browser.ts) in Chromium: a page on one loopback origin asks the stand-in
// server on another. Without CORS headers the browser refuses, and explainFetchFailure says why and what server
// flag fixes it; with them the page gets the same answers as Node does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompletionsBackend } from '../../src/backends/openai.ts';
import { launchChromium, type ChromiumSession } from '../browser/chromium.ts';
import { ROOT } from '../helpers/cli.ts';
import { OpenAIStandIn, type StandInProblem } from '../helpers/openai-stand-in.ts';

const PROBLEMS: StandInProblem[] = [
  { question: 'What is 2 + 3?', answer: '5', passRate: 0.5 },
  { question: 'What is 7 * 6?', answer: '42', passRate: 0.25 },
];
const REQUEST = { prompts: PROBLEMS.map((p) => `${p.question}\n`), n: 3, seed: 11, sampling: { temperature: 1, topP: 1, maxNewTokens: 32 } };

let bundle = '';
let page: Server;
let origin = '';
let browser: ChromiumSession;

beforeAll(async () => {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: { write: false, minify: false, lib: { entry: join(ROOT, 'src/backends/browser.ts'), formats: ['es'], fileName: 'backends' } },
  });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : []));
  bundle = chunks.map((c) => ('code' in c ? c.code : '')).join('\n');
  expect(bundle).not.toContain('node:');
  page = createServer((req, res) => {
    if (req.url === '/backends.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    const html = `<!doctype html><title>backend</title><script type="module">import * as backends from '/backends.js'; window.backends = backends;</script>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
});

/** Runs the backend in the page; returns its texts or the explained failure. */
async function askFromPage(endpoint: string): Promise<{ texts?: string[][]; explained?: string }> {
  const tab = await browser.context.newPage();
  try {
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => 'backends' in window);
    return await tab.evaluate(
      async ({ endpoint, request }) => {
        // the bundle of src/backends/browser.ts, loaded by the page as a module
        const mod = (window as unknown as { backends: typeof import('../../src/backends/browser.ts') }).backends;
        const backend = new mod.OpenAICompletionsBackend({ endpoint, model: 'stand-in', retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 10, timeoutMs: 5000 } });
        try {
          const out = await backend.generate(request);
          return { texts: out.map((r: { text: string }[]) => r.map((c) => c.text)) };
        } catch (error) {
          return { explained: mod.explainFetchFailure(error, endpoint, location.origin) as string };
        }
      },
      { endpoint, request: REQUEST },
    );
  } finally {
    await tab.close();
  }
}

describe('the remote backend in the page', () => {
  it('explains a CORS refusal with the server flags that fix it', async () => {
    const server = await new OpenAIStandIn({ problems: PROBLEMS }).start();
    try {
      const result = await askFromPage(server.endpoint);
      expect(result.texts).toBeUndefined();
      expect(result.explained).toContain(`refused this page's origin ${origin} (CORS)`);
      expect(result.explained).toContain(`--allowed-origins '["${origin}"]'`);
      expect(result.explained).toContain(`open ${server.endpoint}/models in a new tab`);
      // the browser's preflight reached the server and was not answered with CORS headers; no completion was served
      expect(server.requests.some((r) => r.path === '/v1/completions' && r.body !== null)).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('gets the same answers as Node when the server allows the page origin', async () => {
    const server = await new OpenAIStandIn({ problems: PROBLEMS, corsOrigin: origin }).start();
    try {
      const result = await askFromPage(server.endpoint);
      expect(result.explained).toBeUndefined();
      const fromNode = await new OpenAICompletionsBackend({ endpoint: server.endpoint, model: 'stand-in' }).generate(REQUEST);
      expect(result.texts).toEqual(fromNode.map((r) => r.map((c) => c.text)));
    } finally {
      await server.stop();
    }
  });
});
