// The loop on awkward input, on the tiny model: a pool with no tags, a pool of one problem, a probe where every
// answer is right or none is, a sampler budget larger than the pool, an iteration without pairs (said so, training
// skipped, the run goes on), and configs with unknown keys or wrong types.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../src/loop/config.ts';
import type { LoopEvent } from '../../src/loop/events.ts';
import { nodeEnvironment } from '../../src/loop/node-environment.ts';
import { LoopRunner, type PairsOutput, type ProbeOutput, type SampleOutput, type TagsOutput, type TrainOutput } from '../../src/loop/runner.ts';
import { FolderStore } from '../../src/store/folder-store.ts';
import { tinyExperiment, tinyProblemsJsonl } from './tiny-run.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sai-loop-bad-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, config: ConfigInput) {
  const events: LoopEvent[] = [];
  const store = new FolderStore(join(dir, name, 'store'));
  const runner = await LoopRunner.open(nodeEnvironment({ store }), 'run', config, (e) => events.push(e));
  try {
    expect(await runner.run()).toBeNull();
  } finally {
    await runner.dispose();
  }
  const get = async <T>(key: string) => (await store.get<T>('run', key))!;
  const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  return { get, logs, events };
}

describe('the loop on bad input', () => {
  it('a pool with no tags: problems are tagged zero-shot or keep their question as their knowledge', async () => {
    const config = await tinyExperiment(join(dir, 'no-tags'), { count: 24, tags: false }, { iterations: 1 });
    const { get } = await run('no-tags', config);
    const tags = await get<TagsOutput>('tags');
    expect(tags.given).toBe(0);
    expect(tags.zeroShot + tags.untagged).toBe(24);
  });

  it('a pool of one problem: one cluster, the probe and the sampler take it', async () => {
    const config = await tinyExperiment(join(dir, 'one'), { count: 1 }, { iterations: 1 });
    const { get, logs } = await run('one', config);
    expect((await get<{ k: number }>('clusters')).k).toBe(1);
    expect((await get<ProbeOutput>('iter-1/probe')).indices).toEqual([0]);
    expect((await get<SampleOutput>('iter-1/sample')).candidates).toEqual([0]);
    expect(logs.some((m) => /k capped from 3 to 1/.test(m))).toBe(true);
    expect(logs).toContain('sampler.problems is 16 but only 1 problems could be drawn from a pool of 1');
  });

  it('a probe where no answer is right: said so; no pairs, training skipped, the run goes on to evaluate', async () => {
    const config = await tinyExperiment(join(dir, 'none'), { count: 24, answers: 'impossible' }, { iterations: 2 });
    const { get, logs } = await run('none', config);
    const probe = await get<ProbeOutput>('iter-1/probe');
    expect(probe.accuracy).toBe(0);
    expect(logs.some((m) => /every probe answer was wrong/.test(m))).toBe(true);
    for (const i of [1, 2]) {
      const pairs = await get<PairsOutput>(`iter-${i}/pairs`);
      expect(pairs.pairs).toEqual([]);
      expect(pairs.allWrong).toBe(pairs.sampled);
      const train = await get<TrainOutput>(`iter-${i}/train`);
      expect(train).toMatchObject({ skipped: true, hasAdapter: false });
      expect(train.reason).toMatch(new RegExp(`no pairs in iteration ${i} \\(16 problems sampled: 0 all right, 16 all wrong\\): training skipped`));
      expect((await get<{ accuracy: number }>(`iter-${i}/eval`)).accuracy).toBe(0);
    }
  });

  it('a probe where every answer is right (greedy answers taken as the gold): flat cluster weights, no pairs', async () => {
    const base = await tinyExperiment(join(dir, 'all'), { count: 12 }, { iterations: 1 });
    // the model's own greedy answers become the gold answers, so every greedy answer is right
    const store = new FolderStore(join(dir, 'all', 'probe-store'));
    const policy = await nodeEnvironment({ store }).policy(parseConfig(base));
    const questions = tinyProblemsJsonl({ count: 12 }).trim().split('\n').map((l) => JSON.parse(l));
    const greedy = await policy.backend.generate({ prompts: questions.map((q) => `${q.question}\n`), n: 1, seed: 1, sampling: { temperature: 0, topP: 1, maxNewTokens: 12 } });
    await policy.dispose();
    const { judge } = await import('../../src/verify/index.ts');
    const rows = questions.map((q, i) => ({ ...q, answer: judge(greedy[i][0].text, '0').predAnswer ?? 'x' })).filter((q) => q.answer !== 'x');
    expect(rows.length).toBeGreaterThan(3);
    await writeFile(join(dir, 'all', 'own.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const config = { ...base, pool: { source: 'file', file: join(dir, 'all', 'own.jsonl') }, probe: { ...(base.probe as object), temperature: 0 }, pairs: { ...(base.pairs as object), temperature: 0 } } as ConfigInput;
    const { get, logs } = await run('all', config);
    const probe = await get<ProbeOutput>('iter-1/probe');
    expect(probe.accuracy).toBe(1);
    expect(logs.some((m) => /every probe answer was right: the probe cannot tell the clusters apart/.test(m))).toBe(true);
    const sample = await get<SampleOutput>('iter-1/sample');
    expect(sample.candidates.length).toBe(rows.length);
    const weights = Object.values(sample.clusterWeights!);
    expect(weights.length).toBe(3);
    for (const w of weights) expect(w).toBeCloseTo(1 / 3, 12);
    expect((await get<TrainOutput>('iter-1/train')).skipped).toBe(true);
  });

  it('configs with unknown keys or wrong types are refused naming the key, before anything runs', async () => {
    const store = new FolderStore(join(dir, 'bad-config'));
    await expect(LoopRunner.open(nodeEnvironment({ store }), 'run', { probe: { anwsers: 8 } })).rejects.toThrow(/probe\.anwsers: unknown key/);
    await expect(LoopRunner.open(nodeEnvironment({ store }), 'run', { iterations: '3' })).rejects.toThrow(/iterations must be a number, got "3"/);
    expect(await store.listRuns()).toEqual([]);
  });
});
