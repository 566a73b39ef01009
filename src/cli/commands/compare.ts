// sai-dpo compare: the same experiment under several samplers and seeds (and pool mixes), with the same budget for
// every arm; a table of final held-out accuracy (mean, 95% interval) and the paired difference to random.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { armResult } from '../../loop/arm-result.ts';
import { compareRows, formatCompareTable, type ArmResult } from '../../loop/compare.ts';
import { SAMPLER_NAMES, withField, type ExperimentConfig } from '../../loop/config.ts';
import { nodeEnvironment } from '../../loop/node-environment.ts';
import { formatSeconds, progressPrinter } from '../../loop/run-log.ts';
import { LoopRunner } from '../../loop/runner.ts';
import { FolderStore } from '../../store/folder-store.ts';
import { optionsHelp, parseCommandLine, UsageError } from '../args.ts';
import { commandLineConfig } from './run.ts';

export const summary = 'compare samplers over seeds with equal budgets: final held-out accuracy with 95% intervals';

const OPTIONS = {
  config: { kind: 'string', placeholder: 'EXP.json', help: 'the experiment every arm runs (sampler, seed and pool mix are set per arm)' },
  samplers: { kind: 'string', default: 'sai,random', placeholder: 'LIST', help: `samplers to compare (${SAMPLER_NAMES.join(', ')})` },
  seeds: { kind: 'string', default: '1,2,3', placeholder: 'LIST', help: 'seeds; each arm runs once per seed' },
  mixes: { kind: 'string', placeholder: 'LIST', help: 'pool mixes (imbalanced, balanced); default: the config’s pool.mix' },
  baseline: { kind: 'string', default: 'random', help: 'the sampler the paired differences are taken against' },
  out: { kind: 'string', required: true, placeholder: 'DIR', help: 'runs (resumable), compare.json and compare.md' },
  set: { kind: 'list', placeholder: 'KEY=VALUE', help: 'override one config field for every arm' },
} as const;

export const usage = `usage: sai-dpo compare [--config EXP.json] --samplers sai,random --seeds 1,2,3 --out DIR [options]

Every arm is a full run in DIR/store/<mix>-<sampler>-s<seed>/ (an interrupted compare resumes where it stopped).
Budgets follow the config's budget.mode (default equal-generations: the probe's answers count against SAI).

options:
${optionsHelp(OPTIONS)}`;

const SHARED_SETUP = ['pool', 'tags', 'embeddings', 'clusters', 'iter-0/eval'];

async function copySetup(store: FolderStore, from: string, to: string): Promise<void> {
  for (const key of SHARED_SETUP) {
    if (await store.has(to, key)) continue;
    const value = await store.get(from, key);
    if (value !== undefined) await store.put(to, key, value);
  }
}

function list(name: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${name} is empty`);
  return items;
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const base = await commandLineConfig(values.config, values.set);
  const samplers = list('samplers', values.samplers);
  for (const s of samplers) if (!(SAMPLER_NAMES as readonly string[]).includes(s)) throw new UsageError(`--samplers: unknown sampler "${s}" (known: ${SAMPLER_NAMES.join(', ')})`);
  const seeds = list('seeds', values.seeds).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seeds: "${s}" is not a whole number`);
    return n;
  });
  const mixes = values.mixes ? list('mixes', values.mixes) : [base.pool.mix];
  for (const m of mixes) if (m !== 'imbalanced' && m !== 'balanced') throw new UsageError(`--mixes: "${m}" is not imbalanced or balanced`);
  const out = resolve(values.out);
  await mkdir(out, { recursive: true });
  const store = new FolderStore(join(out, 'store'));
  const env = nodeEnvironment({ store });
  const results: ArmResult[] = [];
  const started = performance.now();
  const arms = mixes.flatMap((mix) => seeds.flatMap((seed) => samplers.map((sampler) => ({ mix, seed, sampler }))));
  const setupDoneBy = new Map<string, string>();
  for (const [n, arm] of arms.entries()) {
    let config: ExperimentConfig = withField(base, 'pool.mix', arm.mix);
    config = withField(withField(config, 'seed', arm.seed), 'sampler.name', arm.sampler);
    const runId = `${arm.mix}-${arm.sampler}-s${arm.seed}`;
    process.stderr.write(`arm ${n + 1}/${arms.length}: ${runId}\n`);
    const armOut = join(out, 'arms', runId);
    await mkdir(armOut, { recursive: true });
    const printer = progressPrinter(armOut, config, true);
    // arms of one seed and pool mix share their setup (pool, tags, embeddings, clusters, the base model's
    // evaluation): those stages do not depend on the sampler, so they are computed once and copied
    const setupFrom = setupDoneBy.get(`${arm.mix}/${arm.seed}`);
    if (setupFrom) await copySetup(store, setupFrom, runId);
    const runner = await LoopRunner.open(env, runId, config, printer.listen);
    const t0 = performance.now();
    try {
      await runner.run();
    } finally {
      await printer.flush();
      await runner.dispose();
    }
    setupDoneBy.set(`${arm.mix}/${arm.seed}`, runId);
    const result = await armResult(store, runId, config, (performance.now() - t0) / 1000);
    results.push(result);
    process.stderr.write(`  final held-out accuracy ${(100 * result.finalAccuracy).toFixed(1)}% (start ${result.startAccuracy === null ? '–' : (100 * result.startAccuracy).toFixed(1) + '%'}), ${result.generations} generations, ${result.pairs} pairs, ${formatSeconds(result.seconds)}\n`);
  }
  const rows = compareRows(results, values.baseline);
  const table = formatCompareTable(rows, values.baseline);
  const seconds = (performance.now() - started) / 1000;
  await writeFile(join(out, 'compare.json'), JSON.stringify({ config: base, samplers, seeds, mixes, baseline: values.baseline, seconds, results, rows }, null, 1) + '\n');
  await writeFile(join(out, 'compare.md'), table);
  process.stdout.write(table);
  process.stderr.write(`compare took ${formatSeconds(seconds)}\n`);
  return 0;
}
