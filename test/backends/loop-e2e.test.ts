// The SAI-DPO loop end to end against the stand-in server: probe, sample, pairs and evaluation from an
// OpenAI-compatible completions server, training handed to the external (TRL) trainer, which waits for the new
// checkpoint; the loop then asks the server for the new model. Also: a run that dies when the server fails for good
// resumes from the answer cache and asks for nothing twice.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policyFromOptions } from '../../src/backends/index.ts';
import { runExperiment } from '../../src/cli/commands/run.ts';
import { parseConfig } from '../../src/loop/config.ts';
import { nodeEnvironment } from '../../src/loop/node-environment.ts';
import { OpenAIStandIn, type StandInProblem } from '../helpers/openai-stand-in.ts';

const TOPICS = ['addition', 'subtraction', 'multiplication', 'division'];
/** the base model masters addition and subtraction and struggles with the rest; the trained checkpoint is better */
const BASE_RATE = [0.9, 0.8, 0.3, 0.2];

function makeProblems(count: number, offset: number): { rows: object[]; standIn: StandInProblem[] } {
  const rows: object[] = [];
  const standIn: StandInProblem[] = [];
  for (let i = 0; i < count; i++) {
    const t = i % TOPICS.length;
    const a = 3 + ((i * 7 + offset) % 50);
    const b = 2 + ((i * 3 + offset) % 9);
    const answer = [a + b, a - b, a * b, a * b][t];
    const question = t === 3 ? `Problem ${offset + i}: what is ${a * b * b} divided by ${a * b}... no: what is ${a * b * b} / ${b}?` : `Problem ${offset + i}: what is ${a} ${['+', '-', '*'][t]} ${b}?`;
    rows.push({ id: `${offset + i}`, question, answer: String(answer), tags: [`arith.${TOPICS[t]}`] });
    standIn.push({ question, answer: String(answer), passRate: BASE_RATE[t] });
  }
  return { rows, standIn };
}

// failures here are HTTP 500s (instant); a long timeout keeps a slow machine from abandoning and re-asking requests
const FAST = { 'request-timeout': 30, retries: 2 };

describe('sai-dpo run with an OpenAI-compatible server and the external trainer', () => {
  let dir: string;
  let server: OpenAIStandIn;
  let config: ReturnType<typeof parseConfig>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loop-e2e-'));
    const pool = makeProblems(96, 0);
    const held = makeProblems(24, 1000);
    writeFileSync(join(dir, 'pool.jsonl'), pool.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'held.jsonl'), held.rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const rateOf = new Map([...pool.standIn, ...held.standIn].map((p) => [p.question, p.passRate]));
    server = await new OpenAIStandIn({
      problems: [...pool.standIn, ...held.standIn],
      models: ['base-7b', 'iter-1', 'iter-2'],
      passRateFor: (p, model) => Math.min(1, rateOf.get(p.question)! + (model === 'base-7b' ? 0 : model === 'iter-1' ? 0.35 : 0.5)),
    }).start();
    config = parseConfig({
      seed: 3,
      iterations: 2,
      pool: { source: 'file', file: join(dir, 'pool.jsonl') },
      heldOut: { source: 'file', file: join(dir, 'held.jsonl'), count: 24 },
      clusters: { k: 4 },
      probe: { fraction: 0.25, minCount: 16, answers: 4 },
      sampler: { name: 'sai', problems: 16 },
      budget: { mode: 'problems' },
      pairs: { answers: 4 },
      eval: { samples: 1, atStart: true },
    });
  });
  afterEach(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const policyFor = (out: string, resume: boolean, extra: Record<string, unknown> = {}) => {
    const values = { backend: 'openai', endpoint: server.endpoint, model: 'base-7b', trainer: 'external', 'checkpoint-poll': 0.02, ...FAST, ...extra };
    const load = policyFromOptions(values, { outDir: out, resume });
    expect(load).toBeDefined();
    return (store: Parameters<typeof nodeEnvironment>[0]['store']) => nodeEnvironment({ store, policy: load! });
  };

  /** Plays the user's side of the hand-off: when iteration N's folder is ready, "trains" and writes CHECKPOINT. */
  function trainWhenAsked(out: string): () => void {
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      for (const n of [1, 2]) {
        const iter = join(out, 'external', `iter-${n}`);
        if (existsSync(join(iter, 'README.md')) && !existsSync(join(iter, 'CHECKPOINT'))) {
          writeFileSync(join(iter, 'metrics.jsonl'), `{"loss": 0.6${n}, "rewards/margins": 0.${n}, "step": 1, "epoch": 1.0}\n`);
          writeFileSync(join(iter, 'CHECKPOINT'), JSON.stringify({ model: `iter-${n}`, path: `/ckpt/iter-${n}` }) + '\n');
        }
      }
      setTimeout(tick, 10);
    };
    tick();
    return () => (stopped = true);
  }

  it('completes two iterations: TRL-format pairs and a runnable script per iteration, the new model asked after each', async () => {
    const out = join(dir, 'run');
    const stop = trainWhenAsked(out);
    try {
      const result = await runExperiment({ out, config, resume: false, environment: policyFor(out, false), quiet: true });
      expect(result.finished).toBe(true);
    } finally {
      stop();
    }
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const evals = metrics.filter((m) => m.stage === 'eval');
    expect(evals.map((m) => m.iteration)).toEqual([0, 1, 2]);
    // the stand-in's checkpoints answer better, and the loop measured it through the server
    expect(evals[1].accuracy).toBeGreaterThan(evals[0].accuracy);
    for (const n of [1, 2]) {
      const iter = join(out, 'external', `iter-${n}`);
      const pairs = readFileSync(join(iter, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(pairs.length).toBeGreaterThan(0);
      for (const p of pairs) expect(Object.keys(p)).toEqual(['prompt', 'chosen', 'rejected']);
      const cfg = JSON.parse(readFileSync(join(iter, 'dpo_config.json'), 'utf8'));
      expect(cfg.model_name_or_path).toBe(n === 1 ? 'base-7b' : '/ckpt/iter-1');
      expect(cfg).toMatchObject({ beta: config.train.beta, learning_rate: config.train.learningRate, num_train_epochs: config.train.epochs });
      expect(readFileSync(join(iter, 'train_dpo.py'), 'utf8')).toContain('DPOTrainer(');
      expect(readFileSync(join(iter, 'openrlhf.sh'), 'utf8')).toContain('openrlhf.cli.train_dpo');
    }
    // which model answered what: the base until iteration 1's checkpoint, then iter-1, then iter-2
    const models = server.requests.filter((r) => r.path === '/v1/completions').map((r) => r.body!.model);
    expect(models[0]).toBe('base-7b');
    expect(models.at(-1)).toBe('iter-2');
    expect(new Set(models)).toEqual(new Set(['base-7b', 'iter-1', 'iter-2']));
    const train = readFileSync(join(out, 'train.jsonl'), 'utf8');
    expect(train).toContain('"loss":0.61');
  });

  it('dies when the server fails for good, then resumes from the answer cache without asking for any answer twice', async () => {
    const reference = join(dir, 'reference');
    let stop = trainWhenAsked(reference);
    await runExperiment({ out: reference, config, resume: false, environment: policyFor(reference, false), quiet: true }).finally(stop);
    const referenceRequests = server.completionRequestsAnswered;
    const referenceMetrics = readFileSync(join(reference, 'metrics.jsonl'), 'utf8');

    const out = join(dir, 'interrupted');
    stop = trainWhenAsked(out);
    const before = server.completionRequestsAnswered;
    // the server breaks for good part-way through the first probe
    const watcher = setInterval(() => {
      if (server.completionRequestsAnswered - before >= 10) server.failEvery(1, 'http500');
    }, 1);
    await expect(runExperiment({ out, config, resume: false, environment: policyFor(out, false), quiet: true })).rejects.toThrow(/HTTP 500/);
    clearInterval(watcher);
    stop();
    const answeredBeforeCrash = server.completionRequestsAnswered - before;
    expect(answeredBeforeCrash).toBeGreaterThanOrEqual(10);
    const cached = readFileSync(join(out, 'answer-cache.jsonl'), 'utf8').trim().split('\n').length;
    expect(cached).toBeGreaterThan(0);

    server.failEvery(null);
    stop = trainWhenAsked(out);
    const beforeResume = server.completionRequestsAnswered;
    const resumed = await runExperiment({ out, config: null, resume: true, environment: policyFor(out, true), quiet: true }).finally(stop);
    expect(resumed.finished).toBe(true);
    // no answer lost, none asked twice: both parts together sent exactly the uninterrupted run's requests
    expect(answeredBeforeCrash + (server.completionRequestsAnswered - beforeResume)).toBe(referenceRequests);
    const strip = (text: string) => text.trim().split('\n').map((l) => { const { seconds: _s, ...rest } = JSON.parse(l); return rest; });
    expect(strip(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).filter((m) => m.stage === 'eval')).toEqual(strip(referenceMetrics).filter((m) => m.stage === 'eval'));
  });

  it('refuses combinations that cannot work and names a missing API key variable', () => {
    expect(() => policyFromOptions({ backend: 'openai', endpoint: server.endpoint, model: 'm' }, { outDir: dir, resume: false })).toThrow(/--backend openai needs --trainer external/);
    expect(() => policyFromOptions({ trainer: 'external' }, { outDir: dir, resume: false })).toThrow(/--trainer external needs --backend openai/);
    expect(() => policyFromOptions({ endpoint: 'http://x' }, { outDir: dir, resume: false })).toThrow(/--endpoint only applies with --backend openai/);
    expect(() => policyFromOptions({ backend: 'openai', trainer: 'external', model: 'm' }, { outDir: dir, resume: false })).toThrow(/--endpoint is required with --backend openai/);
    expect(() => policyFromOptions({ backend: 'openai', trainer: 'external', endpoint: server.endpoint, model: 'm', 'api-key-env': 'SAI_TEST_KEY' }, { outDir: dir, resume: false, env: {} })).toThrow(
      '--api-key-env SAI_TEST_KEY: the environment variable SAI_TEST_KEY is not set',
    );
    expect(policyFromOptions({}, { outDir: dir, resume: false })).toBeUndefined();
  });
});
