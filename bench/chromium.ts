// Matmul throughput in Chromium (its WebGPU adapter here is SwiftShader): our WGSL matmul against
// onnxruntime-web's WebGPU EP, both timed in one page (bench/browser/) on the same adapter. The page is built
// with Vite's JS API into a temporary folder, onnxruntime-web's wasm runtime is copied next to it (nothing is
// fetched from a CDN), served on 127.0.0.1 and driven with playwright-core.
// GFLOP/s = 2·M·K·N / (median ms · 1e6); each median over `reps` runs after two warm-up runs, our formats and
// onnxruntime's run interleaved at each shape (bench/browser/contenders.ts). Quick mode: 3 runs, no 1024³ shape.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, defaultClientConditions } from 'vite';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../test/browser/chromium.ts';
import { serveStatic, type StaticServer } from '../test/browser/static-server.ts';
import { SHAPES } from './matmul.ts';
import { PAGE_API_GLOBAL, type BenchPageApi, type MatmulBenchReply, type MatmulBenchRequest, type MatmulCheckReply, type PageShape } from './browser/protocol.ts';
import type { SmallModelReport, SmallModelRequest } from './small-model-core.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['matmul f32 (Chromium)', 'matmul q8 (Chromium)', 'matmul q4 (Chromium)'];

const PAGE_DIR = resolve(import.meta.dirname, 'browser');
const ORT_DIST = resolve(import.meta.dirname, '../node_modules/onnxruntime-web/dist');
/** The wasm runtime of `onnxruntime-web/webgpu` (its WebGPU EP build), loaded by the page from ./ort/. */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
const BASELINE_NAME = 'onnxruntime-web WebGPU EP (f32)';
/** Largest time the page may take for one request before the bench gives up on it. */
const PAGE_TIMEOUT_MS = 20 * 60_000;

/** Builds bench/browser/ into a fresh temporary folder and puts onnxruntime-web's runtime in its ort/. */
export async function buildBenchPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'sai-dpo-bench-page-'));
  await build({
    root: PAGE_DIR,
    configFile: false,
    logLevel: 'warn',
    // onnxruntime-web's "extern wasm" entry loads its wasm glue from env.wasm.wasmPaths instead of
    // inlining it, so the page serves the one copy in ort/.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    build: { outDir, emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, chunkSizeWarningLimit: 4096 },
  });
  await mkdir(join(outDir, 'ort'));
  for (const file of ORT_RUNTIME_FILES) await copyFile(join(ORT_DIST, file), join(outDir, 'ort', file));
  return outDir;
}

export interface BenchPage {
  page: Page;
  browser: ChromiumSession;
  /** URLs the page requested from anywhere but the bench's own server (data: URLs aside): should stay empty */
  foreignRequests: string[];
  runMatmulBench(request: MatmulBenchRequest): Promise<MatmulBenchReply>;
  checkMatmul(shape: { M: number; K: number; N: number }): Promise<MatmulCheckReply>;
  runSmallModelBench(request: SmallModelRequest): Promise<SmallModelReport>;
  close(): Promise<void>;
}

/** Builds, serves and opens the bench page in Chromium; `close()` removes everything again. */
export async function openBenchPage(options: { echoConsole?: boolean } = {}): Promise<BenchPage> {
  const cleanup: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const dist = await buildBenchPage();
    cleanup.push(() => rm(dist, { recursive: true, force: true }));
    const server: StaticServer = await serveStatic(dist);
    cleanup.push(() => server.close());
    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    const page = await browser.context.newPage();
    if (options.echoConsole) page.on('console', (m) => console.error(`  [page] ${m.text()}`));
    const foreignRequests: string[] = [];
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(`${server.origin}/`) && !url.startsWith('data:')) foreignRequests.push(url);
    });
    await page.goto(`${server.origin}/`);
    await page.waitForFunction((name) => name in globalThis, PAGE_API_GLOBAL, { timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`the bench page did not load: ${(error as Error).message}\n${browser.log.join('\n')}`);
    });
    const call = <T>(method: keyof BenchPageApi, arg: unknown): Promise<T> =>
      withTimeout(
        page.evaluate(
          ({ name, m, a }) => (globalThis as unknown as Record<string, Record<string, (x: unknown) => Promise<unknown>>>)[name][m](a),
          { name: PAGE_API_GLOBAL, m: method, a: arg },
        ) as Promise<T>,
        PAGE_TIMEOUT_MS,
        `bench page ${method}`,
      );
    return {
      page,
      browser,
      foreignRequests,
      runMatmulBench: (request) => call<MatmulBenchReply>('runMatmulBench', request),
      checkMatmul: (shape) => call<MatmulCheckReply>('checkMatmul', shape),
      runSmallModelBench: (request) => call<SmallModelReport>('runSmallModelBench', request),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The shapes of bench/matmul.ts; quick mode skips 1024³ (several seconds per run on SwiftShader). */
export function chromiumShapes(quick: boolean): PageShape[] {
  return SHAPES.filter((s) => !quick || s.M * s.K * s.N < 1024 ** 3).map(({ M, K, N, dtypes }) => ({ M, K, N, dtypes: [...dtypes] }));
}

/** GFLOP/s to 4 significant digits (tiny shapes give tiny rates, which a fixed number of decimals would zero). */
function gflops(M: number, K: number, N: number, ms: number): number {
  return Number(((2 * M * K * N) / (ms * 1e6)).toPrecision(4));
}

/** One row per shape and weight format; the baseline (onnxruntime-web's f32 MatMul) is the same for every format. */
export function rowsFromReply(reply: MatmulBenchReply): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const s of reply.shapes) {
    const baseline = 'ms' in s.ort ? { name: `${BASELINE_NAME} ${reply.ortVersion}`, value: gflops(s.M, s.K, s.N, s.ort.ms) } : undefined;
    for (const { dtype, ms } of s.ours) {
      const notes = [`adapter: ${reply.adapter}`];
      if ('error' in s.ort) notes.push(`onnxruntime-web failed: ${s.ort.error}`);
      if (dtype !== 'f32') notes.push('baseline is f32 (dequantized in our kernel, same flop count)');
      rows.push({ group: `matmul ${dtype} (Chromium)`, name: `M=${s.M} K=${s.K} N=${s.N}`, value: gflops(s.M, s.K, s.N, ms), unit: 'GFLOP/s', baseline, note: notes.join('; ') });
    }
  }
  return rows;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const page = await openBenchPage({ echoConsole: true });
  try {
    const reply = await page.runMatmulBench({ shapes: chromiumShapes(ctx.quick), reps: ctx.quick ? 3 : 9 });
    return rowsFromReply(reply);
  } finally {
    await page.close();
  }
}
