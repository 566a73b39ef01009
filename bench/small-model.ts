// tiny-math's own scale (bench/small-model-core.ts) in Node on this machine's WebGPU adapter (lavapipe here)
// and in headless Chromium (SwiftShader here) through the bench page (bench/browser/), side by side in one run.
// `npm run bench -- --only tiny-math` runs both; `--only "tiny-math scale (node"` or `(chromium` one of them.
// In Node every figure is timed on the process's CPU clock (steadier than the wall clock on a shared machine).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { acquireGpu } from '../src/engine/gpu.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { openBenchPage } from './chromium.ts';
import { measureSmallModel, smallModelRows, type SmallModelRequest } from './small-model-core.ts';
import type { BenchContext, BenchRow } from './types.ts';
import { wantedEnvironments } from './environments.ts';

export const NODE_GROUP = 'tiny-math scale (Node, lavapipe)';
export const CHROMIUM_GROUP = 'tiny-math scale (Chromium, SwiftShader)';
export const groups = [NODE_GROUP, CHROMIUM_GROUP];

export const TINY_MATH_CONFIG = resolve(import.meta.dirname, '../public/models/tiny-math/config.json');

/** SMALL_MODEL_PARTS=decode in the environment measures only batch-64 decoding (the training steps take minutes here). */
export function smallModelRequest(quick: boolean): SmallModelRequest {
  const decodeOnly = typeof process !== 'undefined' && process.env.SMALL_MODEL_PARTS === 'decode';
  return { configText: readFileSync(TINY_MATH_CONFIG, 'utf8'), reps: quick ? 2 : 5, decodeTokens: quick ? 12 : 24, decodeOnly };
}

/** This process's CPU time (user + system, all threads: lavapipe's included), in milliseconds. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const request = smallModelRequest(ctx.quick);
  const want = wantedEnvironments(ctx.only, NODE_GROUP, CHROMIUM_GROUP);
  const rows: BenchRow[] = [];
  if (want.node) {
    const gpu = await acquireGpu();
    try {
      const report = await measureSmallModel(new Runtime(gpu), request, (line) => console.error(line), processCpuMs);
      rows.push(...smallModelRows(report, 'Node, lavapipe', true));
    } finally {
      gpu.destroy();
    }
  }
  if (want.chromium) {
    // a failure in the browser keeps the Node rows: it becomes a row of its own, with the browser's log
    let page: Awaited<ReturnType<typeof openBenchPage>> | null = null;
    try {
      page = await openBenchPage({ echoConsole: true });
      const report = await page.runSmallModelBench(request);
      rows.push(...smallModelRows(report, 'Chromium, SwiftShader'));
    } catch (error) {
      const log = page?.browser.log.slice(-5).join(' | ') ?? '';
      rows.push({ group: CHROMIUM_GROUP, name: 'not measured', value: 0, unit: '-', note: `the page failed: ${error instanceof Error ? error.message : String(error)}${log ? `; browser log: ${log}` : ''}` });
    } finally {
      await page?.close();
    }
  }
  return rows;
}
