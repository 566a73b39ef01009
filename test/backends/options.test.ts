import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendFromOptions, OpenAICompletionsBackend, trainerFromOptions } from '../../src/backends/index.ts';
import { servedModels, waitForServedModel } from '../../src/backends/served-models.ts';
import { OpenAIStandIn } from '../helpers/openai-stand-in.ts';

const noEngine = () => {
  throw new Error('the engine must not be loaded here');
};

describe('run options → backend and trainer', () => {
  let dir: string;
  let server: OpenAIStandIn;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backend-options-'));
    server = await new OpenAIStandIn({ problems: [], models: ['base', 'iter-1', 'iter-2'] }).start();
  });
  afterEach(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a resumed run asks the latest checkpoint it handed back; a fresh run refuses a folder that has some', async () => {
    mkdirSync(join(dir, 'external'), { recursive: true });
    writeFileSync(join(dir, 'external', 'trainer-state.json'), JSON.stringify({ checkpoints: { '1': { model: 'iter-1' }, '2': { path: '/ckpt/2', model: 'iter-2' } } }));
    const values = { backend: 'openai', endpoint: server.endpoint, model: 'base', trainer: 'external' };
    const backend = (await backendFromOptions(values, { outDir: dir, engine: noEngine })) as OpenAICompletionsBackend;
    expect(backend.modelName).toBe('base');
    await trainerFromOptions(values, { outDir: dir, backend, resume: true, engine: noEngine });
    expect(backend.modelName).toBe('iter-2');
    await expect(trainerFromOptions(values, { outDir: dir, backend, resume: false, engine: noEngine })).rejects.toThrow(/holds the checkpoints of an earlier run; continue it with --resume/);
  });

  it('the answer cache goes to OUT/answer-cache.jsonl unless --answer-cache names a file; options are checked', async () => {
    const backend = (await backendFromOptions({ backend: 'openai', endpoint: server.endpoint, model: 'base', concurrency: 3, 'request-timeout': 5, retries: 0 }, { outDir: dir, engine: noEngine })) as OpenAICompletionsBackend;
    await backend.generate({ prompts: ['p'], n: 2, seed: 1, sampling: { temperature: 1, topP: 1, maxNewTokens: 8 } });
    expect(backend.requestsSent).toBe(1);
    const again = (await backendFromOptions({ backend: 'openai', endpoint: server.endpoint, model: 'base' }, { outDir: dir, engine: noEngine })) as OpenAICompletionsBackend;
    await again.generate({ prompts: ['p'], n: 2, seed: 1, sampling: { temperature: 1, topP: 1, maxNewTokens: 8 } });
    expect(again.requestsSent).toBe(0);
    await expect(backendFromOptions({ backend: 'openai', endpoint: server.endpoint, model: 'base', concurrency: 0 }, { outDir: dir, engine: noEngine })).rejects.toThrow('--concurrency must be an integer ≥ 1, got "0"');
    await expect(backendFromOptions({ backend: 'vllm' }, { outDir: dir, engine: noEngine })).rejects.toThrow('--backend must be one of engine, openai, got "vllm"');
  });

  it('waits for the server to serve a new checkpoint, and says what it serves when it gives up', async () => {
    expect(await servedModels(server.endpoint)).toEqual(['base', 'iter-1', 'iter-2']);
    await waitForServedModel(server.endpoint, 'iter-1', { pollMs: 10, timeoutMs: 1000 });
    const lines: string[] = [];
    await expect(waitForServedModel(server.endpoint, '/ckpt/iter-3/merged', { pollMs: 10, timeoutMs: 100, log: (l) => lines.push(l) })).rejects.toThrow(
      /did not serve "\/ckpt\/iter-3\/merged" within 0 s \(serving: base, iter-1, iter-2\)/,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('vllm serve /ckpt/iter-3/merged');
    expect(await servedModels('http://127.0.0.1:9/v1')).toBeNull();
  });
});
