// The whole loop on a tiny random model with tiny budgets, on the GPU adapter this machine has (lavapipe):
// every stage saves its output, metrics carry held-out accuracy per iteration, a run stopped mid-iteration resumes
// to exactly the result of an uninterrupted one, and a resume with another config is refused naming the keys.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../src/loop/config.ts';
import type { LoopEvent } from '../../src/loop/events.ts';
import { nodeEnvironment } from '../../src/loop/node-environment.ts';
import { LoopRunner, type ClustersOutput, type EvalOutput, type HeldOutClustersOutput, type PairsOutput, type ProbeOutput, type TrainOutput } from '../../src/loop/runner.ts';
import { FolderStore } from '../../src/store/folder-store.ts';
import { tinyExperiment } from './tiny-run.ts';

let dir: string;
let config: ConfigInput;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sai-loop-'));
  config = await tinyExperiment(join(dir, 'exp'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runAll(storeDir: string, runId: string, input: ConfigInput, events: LoopEvent[] = [], maxStages?: number) {
  const store = new FolderStore(storeDir);
  const runner = await LoopRunner.open(nodeEnvironment({ store }), runId, input, (e) => events.push(e));
  try {
    return { next: await runner.run({ maxStages }), store };
  } finally {
    await runner.dispose();
  }
}

describe('the SAI-DPO loop on a tiny model', () => {
  it('runs every stage, saves each output, reports progress, and evaluates after every iteration', async () => {
    const events: LoopEvent[] = [];
    const t0 = performance.now();
    const { next, store } = await runAll(join(dir, 'a'), 'run', config, events);
    console.log(`tiny run: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(next).toBeNull();
    const keys = await store.keys('run');
    for (const k of ['config', 'pool', 'tags', 'embeddings', 'clusters', 'clusters-centroids', 'held-out-clusters', 'iter-0/eval']) expect(keys).toContain(k);
    for (const i of [1, 2]) for (const s of ['probe', 'difficulty', 'sample', 'pairs', 'train', 'eval']) expect(keys).toContain(`iter-${i}/${s}`);
    const probe = (await store.get<ProbeOutput>('run', 'iter-1/probe'))!;
    expect(probe.skipped).toBe(false);
    expect(probe.indices).toHaveLength(6);
    expect(new Set(probe.probes.map((p) => p.cluster)).size).toBe(3);
    expect(probe.generations).toBe(36);
    const pairs = (await store.get<PairsOutput>('run', 'iter-1/pairs'))!;
    console.log(`iteration 1: probe accuracy ${probe.accuracy}, ${pairs.pairs.length} pairs from ${pairs.sampled} problems (${pairs.reused} reused probe answers, ${pairs.generations} new answers)`);
    expect(pairs.sampled).toBe(16);
    expect(pairs.generations + pairs.reused * 6).toBe(96);
    for (const p of pairs.pairs) expect(p.chosen).not.toBe(p.rejected);
    const train = (await store.get<TrainOutput>('run', 'iter-1/train'))!;
    expect(pairs.pairs.length).toBeGreaterThan(0);
    {
      expect(train.skipped).toBe(false);
      expect(train.steps.length).toBe(Math.ceil(pairs.pairs.length / 4));
      expect(Object.keys(train.steps[0])).toEqual(expect.arrayContaining(['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected']));
      expect(await store.get('run', 'iter-1/adapter')).toBeInstanceOf(Uint8Array);
    }
    for (const i of [0, 1, 2]) {
      const ev = (await store.get<EvalOutput>('run', `iter-${i}/eval`))!;
      expect(ev.accuracy).toBeGreaterThanOrEqual(0);
      expect(ev.accuracy).toBeLessThanOrEqual(1);
      expect(ev.correct).toHaveLength(12);
      expect(Object.keys(ev.perKnowledgePoint).sort()).toEqual(['arithmetic.addition', 'arithmetic.multiplication', 'arithmetic.subtraction']);
      // every held-out problem is in one cluster: the counts add up, and the clusters' accuracies average to the whole
      const perCluster = Object.values(ev.perCluster!);
      expect(perCluster.reduce((a, v) => a + v.count, 0)).toBe(12);
      expect(perCluster.reduce((a, v) => a + v.accuracy * v.count, 0) / 12).toBeCloseTo(ev.accuracy, 12);
    }
    const clusters = (await store.get<ClustersOutput>('run', 'clusters'))!;
    expect((await store.get<Uint8Array>('run', 'clusters-centroids'))!.byteLength).toBe(clusters.k * clusters.embeddingDim * 4);
    const heldOut = (await store.get<HeldOutClustersOutput>('run', 'held-out-clusters'))!;
    expect(heldOut.assignments).toHaveLength(12);
    for (const c of heldOut.assignments) expect(c >= 0 && c < clusters.k).toBe(true);
    // the tiny held-out set has the pool's three knowledge points: each lands in the cluster that names it
    const pool = (await store.get<{ heldOut: { knowledge_points: string[] }[] }>('run', 'pool'))!;
    pool.heldOut.forEach((p, i) => expect(heldOut.knowledgePoints[heldOut.assignments[i]][0]).toBe(p.knowledge_points[0]));
    const done = events.filter((e) => e.type === 'stage-done');
    expect(done.map((e) => `${e.iteration}/${e.stage}`)).toEqual([
      '0/pool', '0/tags', '0/embeddings', '0/clusters', '0/eval',
      '1/probe', '1/difficulty', '1/sample', '1/pairs', '1/train', '1/eval',
      '2/probe', '2/difficulty', '2/sample', '2/pairs', '2/train', '2/eval',
    ]);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.some((e) => e.type === 'progress' && e.etaSeconds !== null)).toBe(true);
    expect(progress.every((e) => e.type === 'progress' && e.fraction >= 0 && e.fraction <= 1 && e.runFraction <= 1)).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'state', state: 'finished' });
  });

  it('a run stopped mid-iteration resumes from its first unsaved stage to the same result as an unstopped run', async () => {
    const whole = await runAll(join(dir, 'a'), 'run', config); // already complete: nothing runs
    expect(whole.next).toBeNull();
    const storeDir = join(dir, 'b');
    const first = await runAll(storeDir, 'run', config, [], 9); // setup, eval 0, probe … pairs of iteration 1
    expect(first.next).toEqual({ stage: 'train', iteration: 1 });
    const first2 = await runAll(storeDir, 'run', config, [], 6); // train 1 … pairs of iteration 2: the policy is restored from the adapter
    expect(first2.next).toEqual({ stage: 'train', iteration: 2 });
    const events: LoopEvent[] = [];
    const rest = await runAll(storeDir, 'run', config, events);
    expect(rest.next).toBeNull();
    const a = new FolderStore(join(dir, 'a'));
    for (const key of ['iter-2/pairs', 'iter-2/eval', 'iter-1/eval', 'held-out-clusters']) {
      expect(await rest.store.get('run', key), key).toEqual(await a.get('run', key));
    }
    const t1 = (await a.get<TrainOutput>('run', 'iter-1/train'))!;
    expect(t1.hasAdapter).toBe(true);
    expect(events.some((e) => e.type === 'log' && /policy restored: base model \+ adapters of iterations 1/.test(e.message))).toBe(true);
    // a run saved before the clusters stage kept its centroids: it resumes, and its evaluations report per knowledge point only
    const oldDir = join(dir, 'c');
    await cp(storeDir, oldDir, { recursive: true });
    for (const file of ['clusters-centroids.bin', 'held-out-clusters.json', 'iter-2/eval.json']) await rm(join(oldDir, 'run', file));
    const old = await runAll(oldDir, 'run', config);
    expect(old.next).toBeNull();
    const oldEval = (await old.store.get<EvalOutput>('run', 'iter-2/eval'))!;
    expect(oldEval.perCluster).toBeNull();
    expect(oldEval.correct).toEqual((await a.get<EvalOutput>('run', 'iter-2/eval'))!.correct);
  });

  it('refuses to resume with another config, naming the keys that differ', async () => {
    const other = { ...config, seed: 4, sampler: { ...(config.sampler as object), name: 'random' } } as ConfigInput;
    const store = new FolderStore(join(dir, 'a'));
    await expect(LoopRunner.open(nodeEnvironment({ store }), 'run', other)).rejects.toThrow(/different config; these keys differ: seed, sampler\.name/);
    expect(parseConfig(await store.get('run', 'config')).seed).toBe(3);
  });
});
