// Knowledge clustering at scale: K-means (greedy k-means++ seeding, Hamerly-accelerated Lloyd, dot products in
// WebAssembly SIMD) on 100,000 × 384 unit rows
// (a seeded 50-group Gaussian mixture, src/cluster/synthetic.ts), k = 50, in Node and in headless Chromium (its
// main thread, V8 as in the lab's page), plus the PCA projection and the silhouette search. The target: k-means in
// at most 30 s in Chromium. The workload (src/cluster/workload.ts) is bundled with Vite's JS API into one module
// that an about:blank page loads; the data are generated inside the page (no 150 MB transfer).
// Quick mode: 20,000 rows.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { launchChromium } from '../test/browser/chromium.ts';
import { timeClustering, type ClusteringTimings, type ClusteringWorkload } from '../src/cluster/workload.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['clustering (Node)', 'clustering (Chromium)'];

const WORKLOAD_MODULE = resolve(import.meta.dirname, '../src/cluster/workload.ts');
const PAGE_GLOBAL = '__saiClusterBench';
/** The goal for k-means on 100,000 × 384, k = 50, in Chromium. */
const TARGET_SECONDS = 30;

function workload(quick: boolean): ClusteringWorkload {
  return { n: quick ? 20_000 : 100_000, dim: 384, k: 50, seed: 1, pca: true, chooseKMax: 30 };
}

/** The workload as one ES module that puts timeClustering on globalThis. */
async function bundleWorkload(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sai-dpo-cluster-bench-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, `import { timeClustering } from ${JSON.stringify(WORKLOAD_MODULE)};\n(globalThis as Record<string, unknown>).${PAGE_GLOBAL} = timeClustering;\n`);
    await build({
      configFile: false,
      logLevel: 'warn',
      build: { outDir: join(dir, 'dist'), emptyOutDir: true, target: 'es2022', minify: false, lib: { entry, formats: ['es'], fileName: 'bench' } },
    });
    return await readFile(join(dir, 'dist', 'bench.js'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function timeInChromium(w: ClusteringWorkload): Promise<ClusteringTimings & { browser: string }> {
  const code = await bundleWorkload();
  const session = await launchChromium();
  try {
    const page = await session.context.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction((name) => name in globalThis, PAGE_GLOBAL, { timeout: 60_000 });
    const timings = await page.evaluate(
      ({ name, workload }) => (globalThis as unknown as Record<string, (w: unknown) => ClusteringTimings>)[name](workload),
      { name: PAGE_GLOBAL, workload: w },
    );
    return { ...timings, browser: `Chromium ${session.context.browser()?.version() ?? ''}`.trim() };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${session.log.join('\n')}`);
  } finally {
    await session.close();
  }
}

function rows(group: string, w: ClusteringWorkload, t: ClusteringTimings, where: string): BenchRow[] {
  const shape = `n=${w.n} dim=${w.dim}`;
  const cpu = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : `; CPU ${(ms / 1000).toFixed(1)} s`);
  const out: BenchRow[] = [
    {
      group,
      name: `k-means k=${w.k} ${shape}`,
      value: Number((t.kmeansMs / 1000).toFixed(2)),
      unit: 's',
      note: `${where}${cpu(t.cpuMs?.kmeans)}; ${t.iterations} iterations; ARI vs the mixture's groups ${t.ari.toFixed(3)}; target <= ${TARGET_SECONDS} s in Chromium at n=100000`,
    },
  ];
  if (t.pcaMs !== null) out.push({ group, name: `PCA to 2-D ${shape}`, value: Number((t.pcaMs / 1000).toFixed(2)), unit: 's', note: `${where}${cpu(t.cpuMs?.pca)}` });
  if (t.chooseKMs !== null) {
    out.push({ group, name: `silhouette k in [2, ${w.chooseKMax}] (2000-row sample) ${shape}`, value: Number((t.chooseKMs / 1000).toFixed(2)), unit: 's', note: `${where}${cpu(t.cpuMs?.chooseK)}; chose k=${t.chosenK}` });
  }
  return out;
}

/** The machine's 1-minute load average, rounded: wall times on a shared machine mean little without it. */
function load(): string {
  return `load average ${loadavg()[0].toFixed(1)}`;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const w = workload(ctx.quick);
  const nodeLoad = load();
  const node = timeClustering(w, () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  });
  const chromiumLoad = load();
  const chromium = await timeInChromium(w);
  return [...rows('clustering (Node)', w, node, `Node ${process.version}; ${nodeLoad}`), ...rows('clustering (Chromium)', w, chromium, `${chromium.browser}; ${chromiumLoad}`)];
}
