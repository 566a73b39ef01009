// `sai-dpo run --backend openai --trainer external` as a user runs it: a child process against the stand-in server
// on loopback; this process plays the trainer (writes CHECKPOINT when the hand-off folder is ready).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { OpenAIStandIn, type StandInProblem } from '../helpers/openai-stand-in.ts';

const KEY = 'sk-cli-test-5f3a9e';

describe('sai-dpo run with --backend openai --trainer external', () => {
  let dir: string;
  let server: OpenAIStandIn;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-run-'));
    const rows: object[] = [];
    const problems: StandInProblem[] = [];
    for (let i = 0; i < 80; i++) {
      const topic = i % 4;
      const question = `Item ${i}: compute ${i + 2} ${['+', '-', '*', '+'][topic]} ${topic + 3}.`;
      const answer = String([i + 2 + topic + 3, i + 2 - topic - 3, (i + 2) * (topic + 3), i + 2 + topic + 3][topic]);
      rows.push({ id: String(i), question, answer, tags: [`arith.topic${topic}`] });
      problems.push({ question, answer, passRate: [0.9, 0.6, 0.3, 0.5][topic] });
    }
    writeFileSync(join(dir, 'pool.jsonl'), rows.slice(0, 64).map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'held.jsonl'), rows.slice(64).map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'exp.json'), JSON.stringify({
      iterations: 1,
      pool: { source: 'file', file: join(dir, 'pool.jsonl') },
      heldOut: { source: 'file', file: join(dir, 'held.jsonl'), count: 16 },
      clusters: { k: 4 },
      probe: { fraction: 0.25, minCount: 16, answers: 4 },
      sampler: { problems: 16 },
      budget: { mode: 'problems' },
      pairs: { answers: 4 },
    }));
    server = await new OpenAIStandIn({ problems, models: ['base', 'trained-1'], apiKey: KEY, passRateFor: (p, m) => Math.min(1, p.passRate + (m === 'base' ? 0 : 0.3)) }).start();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes an iteration: TRL pairs and scripts written, the checkpoint served, the key in no file', async () => {
    const out = join(dir, 'run');
    const trainer = setInterval(() => {
      const iter = join(out, 'external', 'iter-1');
      if (existsSync(join(iter, 'README.md')) && !existsSync(join(iter, 'CHECKPOINT'))) writeFileSync(join(iter, 'CHECKPOINT'), 'trained-1\n');
    }, 20);
    process.env.SAI_CLI_TEST_KEY = KEY;
    const result = await cli(['run', '--config', join(dir, 'exp.json'), '--out', out, '--backend', 'openai', '--endpoint', server.endpoint, '--model', 'base', '--api-key-env', 'SAI_CLI_TEST_KEY', '--trainer', 'external', '--checkpoint-poll', '0.05', '--concurrency', '4']).finally(() => clearInterval(trainer));
    delete process.env.SAI_CLI_TEST_KEY;
    expect(result.stderr).not.toContain(KEY);
    expect(result.code).toBe(0);
    const evals = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.stage === 'eval');
    expect(evals.map((m) => m.iteration)).toEqual([0, 1]);
    const pairs = readFileSync(join(out, 'external', 'iter-1', 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(pairs.length).toBeGreaterThan(0);
    expect(Object.keys(pairs[0])).toEqual(['prompt', 'chosen', 'rejected']);
    expect(readFileSync(join(out, 'external', 'iter-1', 'train_dpo.py'), 'utf8')).toContain('from trl import DPOConfig, DPOTrainer');
    // evaluation after iteration 1 asked the new checkpoint
    expect(server.requests.at(-1)!.body!.model).toBe('trained-1');
    // the key reached the server and no file of the run
    expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    for (const file of filesUnder(out)) expect(readFileSync(file, 'latin1').includes(KEY), file).toBe(false);
  });

  it('refuses bad combinations before any work, with exit code 2', async () => {
    const out = join(dir, 'refused');
    const missing = await cli(['run', '--out', out, '--backend', 'openai', '--model', 'base', '--trainer', 'external']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--endpoint is required with --backend openai');
    const engineTrainer = await cli(['run', '--out', out, '--backend', 'openai', '--endpoint', server.endpoint, '--model', 'base']);
    expect(engineTrainer.code).toBe(2);
    expect(engineTrainer.stderr).toContain('--backend openai needs --trainer external');
    expect(existsSync(join(out, 'answer-cache.jsonl'))).toBe(false);
  });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
