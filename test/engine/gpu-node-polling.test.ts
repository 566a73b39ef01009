// On a software adapter in Node, waiting for the GPU must leave the CPU to the adapter's threads: Dawn's binding
// polls through the global setImmediate, which pollDawnByTimer routes through a timer (gpu-node.ts).
import { setImmediate as realSetImmediate } from 'node:timers';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { isUnnamedNative } from '../../src/engine/gpu-node.ts';
import { matmulTT } from '../../src/engine/kernels/matmul.ts';
import type { Runtime } from '../../src/engine/runtime.ts';
import { randomArray, testRuntime } from '../helpers/gpu.ts';

/** The event loop's utilization (busy share of the wall clock) while waiting for `work` recorded on the GPU. */
async function busyWhileWaiting(rt: Runtime, work: () => void): Promise<number> {
  work();
  const start = performance.eventLoopUtilization();
  await rt.sync();
  return performance.eventLoopUtilization(start).utilization;
}

describe('waiting for a software adapter in Node', () => {
  it('tells unnamed native functions (Dawn\'s polls) from closures and bound functions', () => {
    expect(isUnnamedNative(Function.prototype)).toBe(true);
    expect(isUnnamedNative(() => {})).toBe(false);
    expect(isUnnamedNative(function named() {}.bind(null))).toBe(false);
    expect(isUnnamedNative(Math.max)).toBe(false);
    expect(isUnnamedNative('function () { [native code] }')).toBe(false);
  });

  it('sleeps between polls instead of spinning, and leaves setImmediate as it was for everything else', async () => {
    const rt = await testRuntime();
    if (!rt.gpu.info.isSoftware) {
      expect(globalThis.setImmediate).toBe(realSetImmediate); // a real GPU keeps Dawn's prompt polling
      return;
    }
    const n = 384;
    const a = rt.tensor([n, n], randomArray(n * n, 1));
    const b = rt.tensor([n, n], randomArray(n * n, 2));
    const c = rt.tensor([n, n]);
    // over a hundred milliseconds of work on lavapipe: the general kernel, six times
    const work = () => { for (let i = 0; i < 6; i++) matmulTT(rt, a, b, c, n, n, n, { scalarKernel: true, accumulate: true }); };
    await busyWhileWaiting(rt, work); // compiles the pipeline
    const polite = globalThis.setImmediate;
    const timed = await busyWhileWaiting(rt, work);
    globalThis.setImmediate = realSetImmediate; // Dawn's own loop: a poll on every turn of the event loop
    let spinning: number;
    try {
      spinning = await busyWhileWaiting(rt, work);
    } finally {
      globalThis.setImmediate = polite;
    }
    console.log(`event loop busy while waiting: ${timed.toFixed(2)} polling by timer, ${spinning.toFixed(2)} by setImmediate`);
    expect(spinning).toBeGreaterThan(0.5);
    expect(timed).toBeLessThan(0.3);
    // everything else: a real Immediate, in order, promisify still works
    const order: number[] = [];
    const handle = setImmediate(() => order.push(2));
    order.push(1);
    expect(handle.hasRef()).toBe(true);
    await promisify(setImmediate)();
    expect(order).toEqual([1, 2]);
    for (const t of [a, b, c]) rt.release(t);
  }, 120_000);
});
