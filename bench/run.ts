// `npm run bench [-- --quick] [-- --only <group-substring>]`: runs every bench module that exists,
// prints one table (ours vs baseline) and writes bench/results/bench-<date>.json and latest.json.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acquireGpu } from '../src/engine/gpu.ts';
import { formatTable, writeRecord, type BenchRecord } from './report.ts';
import type { BenchContext, BenchModule, BenchRow } from './types.ts';

/** The bench modules, in the order they run. A module may also export `groups: string[]` so --only can skip it unrun. */
export const MODULES = ['./verify.ts', './adapter-costs.ts', './matmul.ts', './attention.ts', './chromium.ts', './generation.ts', './training.ts', './small-model.ts', './torch-compare.ts', './baseline.ts', './large-pool.ts', './cluster.ts', './iteration.ts'];

const USAGE = 'usage: npm run bench -- [--quick] [--only <group-substring>]';

interface Options {
  quick: boolean;
  only: string | null;
}

function parseCommandLine(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.only !== undefined && values.only.trim() === '') throw new Error('--only needs a group substring, e.g. --only matmul');
  return { quick: values.quick ?? false, only: values.only?.toLowerCase() ?? null };
}

/** With --only, a module runs unless it declares its groups and none matches. Rows are filtered afterwards. */
function mayMatch(mod: Partial<BenchModule> & { groups?: unknown }, only: string | null): boolean {
  if (only === null || !Array.isArray(mod.groups)) return true;
  return mod.groups.some((g) => typeof g === 'string' && g.toLowerCase().includes(only));
}

async function runModules(ctx: BenchContext, only: string | null) {
  const rows: BenchRow[] = [];
  const skipped: BenchRecord['skipped'] = [];
  for (const spec of MODULES) {
    const file = fileURLToPath(new URL(spec, import.meta.url));
    if (!existsSync(file)) {
      skipped.push({ module: spec, reason: 'file does not exist yet' });
      continue;
    }
    try {
      const mod = (await import(spec)) as Partial<BenchModule> & { groups?: unknown };
      if (typeof mod.bench !== 'function') throw new Error('exports no bench(ctx) function');
      if (!mayMatch(mod, only)) {
        skipped.push({ module: spec, reason: `no group matches --only ${only}` });
        continue;
      }
      console.error(`running ${spec} ...`);
      const started = performance.now();
      const got = await mod.bench(ctx);
      console.error(`  ${spec}: ${got.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      rows.push(...got.filter((r) => only === null || r.group.toLowerCase().includes(only)));
    } catch (error) {
      const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
      console.error(`  ${spec}: ${reason}`);
      skipped.push({ module: spec, reason });
    }
  }
  return { rows, skipped };
}

async function adapterDescription(): Promise<string> {
  try {
    const gpu = await acquireGpu();
    const text = gpu.info.description;
    gpu.destroy();
    return text;
  } catch (error) {
    return `no WebGPU adapter (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const adapter = await adapterDescription();
  const ctx: BenchContext = { adapter, quick: options.quick, only: options.only };
  console.error(`adapter: ${adapter}${options.quick ? ' (quick)' : ''}`);
  const { rows, skipped } = await runModules(ctx, options.only);
  console.log(formatTable(rows));
  for (const s of skipped) console.log(`skipped ${s.module}: ${s.reason}`);
  const record: BenchRecord = {
    date: new Date().toISOString(),
    adapter,
    quick: options.quick,
    only: options.only,
    node: process.version,
    rows,
    skipped,
  };
  const path = writeRecord(fileURLToPath(new URL('./results/', import.meta.url)), record);
  console.log(`\nwrote ${path} and latest.json`);
  return 0;
}

process.exitCode = await main();
