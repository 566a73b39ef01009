// `sai-dpo run` and `sai-dpo compare` as a user runs them (a child process, the tiny model, tiny budgets).
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonLines } from '../helpers/cli.ts';
import { tinyExperiment } from './tiny-run.ts';

let dir: string;
let configFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sai-loop-cli-'));
  configFile = join(dir, 'exp.json');
  await writeFile(configFile, JSON.stringify(await tinyExperiment(join(dir, 'exp'), { count: 36 }, { iterations: 1 }), null, 1));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sai-dpo run', () => {
  it('runs the experiment headless: metrics per stage with accuracy after each evaluation, pairs in TRL format, progress on stderr', async () => {
    const out = join(dir, 'run');
    const r = await cli(['run', '--config', configFile, '--out', out]);
    expect(r.stderr).toContain('done:');
    expect(r.code).toBe(0);
    const metrics = jsonLines(await readFile(join(out, 'metrics.jsonl'), 'utf8'));
    expect(metrics.map((m) => `${m.iteration}/${m.stage}`)).toEqual(['0/pool', '0/tags', '0/embeddings', '0/clusters', '0/eval', '1/probe', '1/difficulty', '1/sample', '1/pairs', '1/train', '1/eval']);
    for (const m of metrics.filter((m) => m.stage === 'eval')) expect(typeof m.accuracy).toBe('number');
    expect(r.stderr).toMatch(/iteration 1\/1 eval done in/);
    const pairs = (await readFile(join(out, 'pairs', 'iter-1.jsonl'), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const p of pairs) expect(Object.keys(p)).toEqual(['prompt', 'chosen', 'rejected']);
    const train = metrics.find((m) => m.stage === 'train')!;
    if (train.skipped === false) expect(await readdir(join(out, 'adapters', 'iter-1'))).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).iterations).toBe(1);

    // the same folder again: refused without --resume; with it, nothing is left to do
    const again = await cli(['run', '--config', configFile, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run: pass --resume/);
    const resumed = await cli(['run', '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect(jsonLines(await readFile(join(out, 'metrics.jsonl'), 'utf8'))).toHaveLength(11);
    // a resume with another config is refused, naming the keys
    const other = await cli(['run', '--config', configFile, '--set', 'sampler.name=random', '--set', 'probe.answers=4', '--out', out, '--resume']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/these keys differ: probe\.answers, sampler\.name/);
  });

  it('names the key of a bad config and the line of a JSON error', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ sampler: { name: 'best' }, probe: { fraction: 'all' } }));
    const r = await cli(['run', '--config', bad, '--out', join(dir, 'bad-out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sampler\.name must be one of sai, random/);
    expect(r.stderr).toMatch(/probe\.fraction must be a number, got "all"/);
    await writeFile(bad, '{\n  "seed": 1,\n  "iterations": 2,,\n}\n');
    const syntax = await cli(['run', '--config', bad, '--out', join(dir, 'bad-out')]);
    expect(syntax.stderr).toMatch(/bad\.json is not valid JSON \(line 3, column 19\)/);
    const set = await cli(['run', '--set', 'sampler.temprature=2', '--out', join(dir, 'bad-out')]);
    expect(set.stderr).toMatch(/sampler\.temprature: unknown key/);
  });
});

describe('sai-dpo compare', () => {
  it('runs every sampler for every seed and prints the table of final held-out accuracy with intervals and the paired difference', async () => {
    const out = join(dir, 'compare');
    const r = await cli(['compare', '--config', configFile, '--samplers', 'sai,random', '--seeds', '1,2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| pool mix \| sampler \| seeds \| final held-out accuracy, % \(95% CI\) \| vs random/);
    expect(r.stdout).toMatch(/\| imbalanced \| sai \| 2 \| [\d.]+ \[/);
    expect(r.stdout).toMatch(/\| imbalanced \| random \| 2 \| [\d.]+ \[.*\| – \|/);
    const saved = JSON.parse(await readFile(join(out, 'compare.json'), 'utf8'));
    expect(saved.results).toHaveLength(4);
    const sai = saved.results.filter((a: { sampler: string }) => a.sampler === 'sai');
    const random = saved.results.filter((a: { sampler: string }) => a.sampler === 'random');
    // equal generations: the probe's answers count against SAI, random spends them all on pairs
    for (const a of sai) expect(a.probeGenerations).toBeGreaterThan(0);
    for (const a of random) expect(a.probeGenerations).toBe(0);
    // arms of one seed share their setup and the base model's evaluation
    for (const seed of [1, 2]) {
      const [a, b] = saved.results.filter((r: { seed: number }) => r.seed === seed);
      expect(a.startAccuracy).toBe(b.startAccuracy);
    }
    expect(await readFile(join(out, 'compare.md'), 'utf8')).toBe(r.stdout);
    const bad = await cli(['compare', '--samplers', 'sai,best', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown sampler "best"/);
  });
});
