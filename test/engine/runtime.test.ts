import { describe, expect, it } from 'vitest';
import { testRuntime } from '../helpers/gpu.ts';

const ADD = /* wgsl */ `
struct P { n: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> b: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < p.n) { b[id.x] = b[id.x] + p.scale * a[id.x]; }
}`;

describe('runtime', () => {
  it('records dispatches with uniform params and reads back', async () => {
    const rt = await testRuntime();
    const n = 1000;
    const a = rt.tensor([n], Float32Array.from({ length: n }, (_, i) => i));
    const b = rt.zeros([n]);
    const pipe = rt.pipeline(ADD);
    // many dispatches in one batch, each with its own params slot
    for (let k = 1; k <= 300; k++) {
      const params = new ArrayBuffer(8);
      new Uint32Array(params, 0, 1)[0] = n;
      new Float32Array(params, 4, 1)[0] = k % 2 === 0 ? 1 : -1;
      rt.dispatch(pipe, [a, b], [Math.ceil(n / 64)], params);
    }
    const out = await rt.readTensor(b);
    expect(out[10]).toBe(0); // 150 times +1 and 150 times -1
    const pa = new ArrayBuffer(8);
    new Uint32Array(pa, 0, 1)[0] = n;
    new Float32Array(pa, 4, 1)[0] = 2;
    rt.dispatch(pipe, [a, b], [Math.ceil(n / 64)], pa);
    const out2 = await rt.readTensor(b);
    expect(out2[999]).toBe(1998);
  });

  it('reuses bind groups only for the same pipeline, buffers and uniform slot', async () => {
    const rt = await testRuntime();
    const n = 64;
    const ones = rt.tensor([n], new Float32Array(n).fill(1));
    const tens = rt.tensor([n], new Float32Array(n).fill(10));
    const b = rt.zeros([n]);
    const pipe = rt.pipeline(ADD);
    const params = (scale: number) => {
      const p = new ArrayBuffer(8);
      new Uint32Array(p, 0, 1)[0] = n;
      new Float32Array(p, 4, 1)[0] = scale;
      return p;
    };
    // the same dispatches in three batches (same arena slots each time), then the sources swapped
    for (let round = 0; round < 3; round++) {
      rt.dispatch(pipe, [ones, b], [1], params(1));
      rt.dispatch(pipe, [tens, b], [1], params(2));
      rt.flush();
    }
    rt.dispatch(pipe, [tens, b], [1], params(1));
    rt.dispatch(pipe, [ones, b], [1], params(2));
    expect((await rt.readTensor(b))[5]).toBe(3 * (1 + 20) + 10 + 2);
    // a released buffer handed out again by the pool keeps its contents' meaning: the bind group still names it
    rt.release(tens);
    const again = rt.tensor([n], new Float32Array(n).fill(100));
    rt.dispatch(pipe, [again, b], [1], params(1));
    expect((await rt.readTensor(b))[5]).toBe(75 + 100);
  });

  it('counts dispatches, submitted command buffers and read-backs', async () => {
    const rt = await testRuntime();
    const a = rt.tensor([64], new Float32Array(64).fill(1));
    const b = rt.zeros([64]);
    const pipe = rt.pipeline(ADD);
    const before = { dispatches: rt.dispatchCount, submits: rt.submitCount, reads: rt.readCount };
    const params = new ArrayBuffer(8);
    new Uint32Array(params, 0, 1)[0] = 64;
    new Float32Array(params, 4, 1)[0] = 1;
    for (let k = 0; k < 3; k++) rt.dispatch(pipe, [a, b], [1], params);
    rt.flush(); // one command buffer for the three dispatches
    rt.flush(); // nothing recorded: nothing submitted
    rt.dispatch(pipe, [a, b], [1], params);
    const out = await rt.readTensor(b); // submits the fourth dispatch with the copy to the staging buffer
    expect(out[0]).toBe(4);
    expect(rt.dispatchCount - before.dispatches).toBe(4);
    expect(rt.submitCount - before.submits).toBe(2);
    expect(rt.readCount - before.reads).toBe(1);
  });
});
