// What arithmetic and storage loads cost on this adapter, the limits any kernel here works within: a shader of
// 32 independent multiply-add chains per thread with no loads (the arithmetic peak), then the same with 1, 2 or 4
// vec4 storage loads per thread per iteration (each thread its own addresses, as in a product's rows). From the
// two, the time the loads add, per vec4 load, in multiply-adds (not a constant: loads overlap the arithmetic in part).
// On lavapipe a load whose address is not a constant is done lane by lane, so loads, not the arithmetic rate, bound
// our products and attention.
import { acquireGpu } from '../src/engine/gpu.ts';
import { median } from './median.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['adapter costs'];

const THREADS = 64 * 1024;
const ITERATIONS = 256;
const CHAINS = 32;

const HEADER = `@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
`;

/** A shader of CHAINS multiply-add chains per thread and `loads` vec4 loads per iteration (0: one load before the loop). */
function shader(loads: number): string {
  const sum = Array.from({ length: CHAINS }, (_, i) => `a${i}`).join(' + ');
  if (loads === 0) {
    const init = Array.from({ length: CHAINS }, (_, i) => `var a${i} = v.${'xyzw'[i % 4]} + ${i}.0;`).join('\n  ');
    const body = Array.from({ length: CHAINS }, (_, i) => `a${i} = fma(a${i}, v.x, v.y);`).join(' ');
    return `${HEADER}@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  let v = x[g.x * 8u];
  ${init}
  for (var k = 0u; k < ${ITERATIONS}u; k++) { ${body} }
  y[g.x] = ${sum};
}`;
  }
  const init = Array.from({ length: CHAINS }, (_, i) => `var a${i} = 0.0;`).join('\n  ');
  const load = Array.from({ length: loads }, (_, j) => `let v${j} = x[g.x * 8u + ((k + ${j}u) & 7u)];`).join(' ');
  const body = Array.from({ length: CHAINS }, (_, i) => `a${i} = fma(v${i % loads}.${'xyzw'[i % 4]}, v${(i + 1) % loads}.y, a${i});`).join(' ');
  return `${HEADER}@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  ${init}
  for (var k = 0u; k < ${ITERATIONS}u; k++) { ${load} ${body} }
  y[g.x] = ${sum};
}`;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const gpu = await acquireGpu();
  const device = gpu.device;
  const group = groups[0];
  try {
    const x = device.createBuffer({ size: THREADS * 8 * 16, usage: GPUBufferUsage.STORAGE });
    const y = device.createBuffer({ size: THREADS * 4, usage: GPUBufferUsage.STORAGE });
    const flops = THREADS * ITERATIONS * CHAINS * 2;
    /** GFLOP/s of the shader with `loads` loads per iteration: the median of 5 (2 in quick mode) after a warm-up */
    const rate = async (loads: number) => {
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: shader(loads) }), entryPoint: 'main' } });
      const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [x, y].map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const run = async () => {
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(THREADS / 64);
        pass.end();
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
      };
      await run();
      const times: number[] = [];
      for (let i = 0; i < (ctx.quick ? 2 : 5); i++) {
        const t0 = performance.now();
        await run();
        times.push(performance.now() - t0);
      }
      return flops / median(times) / 1e6;
    };
    const peak = await rate(0);
    const rows: BenchRow[] = [{ group, name: `${CHAINS} multiply-add chains per thread, no loads`, value: peak, unit: 'GFLOP/s' }];
    for (const loads of [1, 2, 4]) {
      const withLoads = await rate(loads);
      // the time the loads add per iteration, in multiply-adds at the peak rate, per load
      const loadCost = (CHAINS * (peak / withLoads - 1)) / loads;
      rows.push({
        group, name: `the same with ${loads} vec4 storage load${loads > 1 ? 's' : ''} per thread per iteration`, value: withLoads, unit: 'GFLOP/s',
        baseline: { name: 'no loads', value: peak },
        note: `the loads add the time of ${loadCost.toFixed(1)} multiply-adds each`,
      });
    }
    return rows;
  } finally {
    gpu.destroy();
  }
}
