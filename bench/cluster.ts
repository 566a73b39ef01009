// Knowledge clustering at scale: K-means (greedy k-means++ seeding, Hamerly-accelerated Lloyd, dot products in
// WebAssembly SIMD) on 100,000 × 384 unit rows
// (a seeded 50-group Gaussian mixture, src/cluster/synthetic.ts), k = 50, in Node and in headless Chromium (its
// main thread, V8 as in the lab's page), plus the PCA projection and the silhouette search. The target: k-means in
// at most 30 s in Chromium. Each row also gives the CPU time of its phase (Node: process.cpuUsage; Chromium: the
// page thread's ThreadTime from the DevTools protocol) and the load average: on a shared machine the wall time
// mostly measures the other jobs. The workload (src/cluster/workload.ts) is bundled with Vite's JS API into one module
// that an about:blank page loads; the data are generated inside the page (no 150 MB transfer).
// Quick mode: 20,000 rows.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test/browser/chromium.ts';
import { ClusteringBench, type ChooseKPhase, type ClusteringWorkload, type KMeansPhase } from '../src/cluster/workload.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['clustering (Node)', 'clustering (Chromium)'];

const WORKLOAD_MODULE = resolve(import.meta.dirname, '../src/cluster/workload.ts');
const PAGE_GLOBAL = '__saiClusterBench';
/** The goal for k-means on 100,000 × 384, k = 50, in Chromium. */
const TARGET_SECONDS = 30;

function workload(quick: boolean): ClusteringWorkload {
  return { n: quick ? 20_000 : 100_000, dim: 384, k: 50, seed: 1, chooseKMax: 30 };
}

/** One phase's wall time and, where the machine tells it, the CPU time it took (null where it cannot). */
interface Timed<T> {
  result: T;
  cpuMs: number | null;
}

export interface ClusteringTimings {
  kmeans: Timed<KMeansPhase>;
  pca: Timed<{ ms: number }>;
  chooseK: Timed<ChooseKPhase>;
  /** where it ran, e.g. "Chromium 156.0.8078.114" */
  runtime: string;
  /** 1-minute load average when it started */
  load: number;
}

/** The workload in this process, CPU time from process.cpuUsage. */
export function timeInNode(w: ClusteringWorkload): ClusteringTimings {
  const load = loadavg()[0];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const bench = new ClusteringBench(w);
  const timed = <T>(phase: () => T): Timed<T> => {
    const before = cpu();
    const result = phase();
    return { result, cpuMs: cpu() - before };
  };
  return { kmeans: timed(() => bench.kmeans()), pca: timed(() => bench.pca()), chooseK: timed(() => bench.chooseK()), runtime: `Node ${process.version}`, load };
}

/** The workload as one ES module that puts ClusteringBench on globalThis. */
async function bundleWorkload(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sai-dpo-cluster-bench-'));
  try {
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, `import { ClusteringBench } from ${JSON.stringify(WORKLOAD_MODULE)};\n(globalThis as Record<string, unknown>).${PAGE_GLOBAL} = ClusteringBench;\n`);
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

/** The page's main-thread CPU seconds so far (Chrome's Performance.getMetrics "ThreadTime"). */
async function threadSeconds(cdp: CDPSession): Promise<number | null> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'ThreadTime')?.value ?? null;
}

async function phaseInPage<T>(page: Page, cdp: CDPSession, method: 'kmeans' | 'pca' | 'chooseK'): Promise<Timed<T>> {
  const before = await threadSeconds(cdp);
  const result = (await page.evaluate(
    ({ m }) => (globalThis as unknown as { __saiClusterBenchRun: Record<string, () => unknown> }).__saiClusterBenchRun[m](),
    { m: method },
  )) as T;
  const after = await threadSeconds(cdp);
  return { result, cpuMs: before === null || after === null ? null : (after - before) * 1000 };
}

/** The workload in headless Chromium's page main thread; CPU time from Chrome's own thread clock. */
export async function timeInChromium(w: ClusteringWorkload): Promise<ClusteringTimings> {
  const code = await bundleWorkload();
  const session = await launchChromium();
  try {
    const page = await session.context.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction((name) => name in globalThis, PAGE_GLOBAL, { timeout: 60_000 });
    const cdp = await session.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const load = loadavg()[0];
    await page.evaluate(
      ({ name, workload }) => {
        const g = globalThis as unknown as Record<string, unknown>;
        g.__saiClusterBenchRun = new (g[name] as new (x: unknown) => unknown)(workload);
      },
      { name: PAGE_GLOBAL, workload: w },
    );
    const kmeans = await phaseInPage<KMeansPhase>(page, cdp, 'kmeans');
    const pca = await phaseInPage<{ ms: number }>(page, cdp, 'pca');
    const chooseK = await phaseInPage<ChooseKPhase>(page, cdp, 'chooseK');
    return { kmeans, pca, chooseK, runtime: `Chromium ${session.context.browser()?.version() ?? ''}`.trim(), load };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${session.log.join('\n')}`);
  } finally {
    await session.close();
  }
}

function rows(group: string, w: ClusteringWorkload, t: ClusteringTimings): BenchRow[] {
  const shape = `n=${w.n} dim=${w.dim}`;
  const where = `${t.runtime}; load average ${t.load.toFixed(1)}`;
  const cpu = (ms: number | null) => (ms === null ? '' : `; CPU ${(ms / 1000).toFixed(1)} s`);
  const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
  return [
    {
      group,
      name: `k-means k=${w.k} ${shape}`,
      value: seconds(t.kmeans.result.ms),
      unit: 's',
      note: `${where}${cpu(t.kmeans.cpuMs)}; ${t.kmeans.result.iterations} iterations; ARI vs the mixture's groups ${t.kmeans.result.ari.toFixed(3)}; target <= ${TARGET_SECONDS} s in Chromium at n=100000`,
    },
    { group, name: `PCA to 2-D ${shape}`, value: seconds(t.pca.result.ms), unit: 's', note: `${where}${cpu(t.pca.cpuMs)}` },
    {
      group,
      name: `silhouette k in [2, ${w.chooseKMax}] (2000-row sample) ${shape}`,
      value: seconds(t.chooseK.result.ms),
      unit: 's',
      note: `${where}${cpu(t.chooseK.cpuMs)}; chose k=${t.chooseK.result.chosenK}`,
    },
  ];
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const w = workload(ctx.quick);
  const node = timeInNode(w);
  const chromium = await timeInChromium(w);
  return [...rows('clustering (Node)', w, node), ...rows('clustering (Chromium)', w, chromium)];
}
