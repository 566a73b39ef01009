// Causal GQA attention backward (dq, dk, dv from q, k, v, dout) at the lab's training shapes: milliseconds per
// call of the kernel attentionBackward picks on this adapter, against another kernel as the baseline, and the
// FLOP/s that gives. Each figure: the median of `reps` runs after two warm-up runs; a run records one backward,
// submits it and waits for the queue to finish.
import { acquireGpu } from '../src/engine/gpu.ts';
import {
  attentionBackwardKernelFor, attentionBackwardWith, type AttentionBackwardKernel, type AttentionDims,
} from '../src/engine/kernels/attention_backward.ts';
import { Runtime, type Tensor } from '../src/engine/runtime.ts';
import { uniformArray } from '../src/util/random.ts';
import { median } from './median.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['attention'];

/** Self-attention over whole sequences (start 0, Tq = S), as a training step runs it. */
export const SHAPES: AttentionDims[] = [
  { B: 8, Tq: 64, S: 64, nH: 8, nKv: 4, d: 64 }, // the training bench's model
  { B: 2, Tq: 128, S: 128, nH: 9, nKv: 3, d: 64 }, // SmolLM2-135M heads
];

export interface AttentionInputs { q: Tensor; k: Tensor; v: Tensor; dout: Tensor; start: GPUBuffer }

/** Records the backward of `inputs` (shape `shape`) into the runtime. */
export type BackwardRunner = (rt: Runtime, inputs: AttentionInputs, shape: AttentionDims) => void;

/** The runner of one of our kernels. */
export function runnerOf(kernel: AttentionBackwardKernel): BackwardRunner {
  return (rt, x, shape) => {
    const g = attentionBackwardWith(kernel, rt, x.q, x.k, x.v, x.dout, x.start, shape);
    rt.release(g.dq);
    rt.release(g.dk);
    rt.release(g.dv);
  };
}

/**
 * Multiply-adds of the backward, counted as FlashAttention-2 does (2.5 × the forward's 2 matmuls):
 * 4 matmuls of [Tq, d]·[d, S] over the causal half, 2 FLOPs each multiply-add.
 */
export function backwardFlops(s: AttentionDims): number {
  const pairs = s.B * s.nH * s.Tq * (s.Tq + 1) / 2;
  return 5 * 2 * pairs * s.d;
}

/** Median milliseconds of one backward at `shape` (start 0) with `run`. */
export async function measureAttentionBackward(rt: Runtime, shape: AttentionDims, reps: number, run: BackwardRunner): Promise<number> {
  const { B, Tq, S, nH: nHeads, nKv, d } = shape;
  const x: AttentionInputs = {
    q: rt.tensor([B, Tq, nHeads * d], uniformArray(B * Tq * nHeads * d, 1, -1, 1)),
    k: rt.tensor([B, S, nKv * d], uniformArray(B * S * nKv * d, 2, -1, 1)),
    v: rt.tensor([B, S, nKv * d], uniformArray(B * S * nKv * d, 3)),
    dout: rt.tensor([B, Tq, nHeads * d], uniformArray(B * Tq * nHeads * d, 4)),
    start: rt.buffer(Math.max(4, B * 4)),
  };
  rt.write(x.start, new Uint32Array(B));
  try {
    for (let i = 0; i < 2; i++) {
      run(rt, x, shape);
      await rt.sync();
    }
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      run(rt, x, shape);
      await rt.sync();
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    for (const t of [x.q, x.k, x.v, x.dout]) rt.release(t);
    rt.release(x.start);
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rt = new Runtime(await acquireGpu());
  const reps = ctx.quick ? 2 : 5;
  const rows: BenchRow[] = [];
  for (const s of SHAPES) {
    const chosen = attentionBackwardKernelFor(rt, s);
    const other: AttentionBackwardKernel = chosen === 'thread-per-row' ? 'workgroup-per-row' : 'thread-per-row';
    const ms = await measureAttentionBackward(rt, s, reps, runnerOf(chosen));
    const otherMs = await measureAttentionBackward(rt, s, reps, runnerOf(other));
    const name = `backward B=${s.B} T=${s.Tq} heads ${s.nH}/${s.nKv} d=${s.d}`;
    const gflops = (t: number) => backwardFlops(s) / (t * 1e6);
    rows.push({
      group: 'attention', name, value: gflops(ms), unit: 'GFLOP/s', baseline: { name: other, value: gflops(otherMs) },
      note: `${chosen} (this adapter's choice) ${ms.toFixed(1)} ms, ${other} ${otherMs.toFixed(1)} ms`,
    });
  }
  return rows;
}
