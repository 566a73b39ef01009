import { describe, expect, it } from 'vitest';
import { AdamW } from '../../../src/engine/kernels/adamw.ts';
import { adamwReference } from '../../../src/engine/reference/adamw.ts';
import { learningRate } from '../../../src/engine/train/schedule.ts';
import { maxAbsDiff, randomArray, testRuntime } from '../../helpers/gpu.ts';

describe('AdamW on the GPU', () => {
  for (const threadPartials of [false, true]) {
    it(`matches the reference over several steps, with clipping and weight decay (norm partials by ${threadPartials ? 'threads' : 'workgroups'})`, async () => {
      const rt = await testRuntime();
      const sizes = [37, 1000, 5, 70_000]; // 70 000 > 256 · 64: each workgroup's threads loop
      const ref = sizes.map((n, i) => randomArray(n, 10 + i));
      const params = ref.map((p) => rt.tensor([p.length], p));
      const opts = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 0.5 };
      const opt = new AdamW(rt, params, opts, threadPartials);
      const m = sizes.map((n) => new Float32Array(n));
      const v = sizes.map((n) => new Float32Array(n));
      for (let step = 1; step <= 4; step++) {
        const gradsCpu = sizes.map((n, i) => randomArray(n, 100 * step + i, -2, 2));
        const grads = gradsCpu.map((g) => rt.tensor([g.length], g));
        opt.record(grads, 0.01);
        const expected = adamwReference(ref, gradsCpu, m, v, step, 0.01, opts);
        const stats = await opt.readStats();
        expect(stats.finite).toBe(true);
        expect(Math.abs(stats.gradNorm - expected.gradNorm) / expected.gradNorm).toBeLessThan(1e-5);
        expect(stats.clipScale).toBeLessThan(1); // the random gradients exceed maxGradNorm: clipping is active
        grads.forEach((g) => rt.release(g));
      }
      for (let i = 0; i < sizes.length; i++) {
        const err = maxAbsDiff(await rt.readTensor(params[i]), ref[i]);
        console.log(`adamw tensor ${i}: max abs error ${err.toExponential(2)}`);
        // f32 on the GPU vs f64 in the reference over 4 steps of size ~lr: errors of a few ulps of 1.
        expect(err).toBeLessThan(1e-5);
      }
    });
  }

  it('sums the norm partials by threads on software adapters', async () => {
    const rt = await testRuntime();
    expect(new AdamW(rt, [rt.tensor([4])]).threadPartials).toBe(rt.gpu.info.isSoftware);
  });

  it('skips a step with NaN gradients and leaves parameters and moments unchanged', async () => {
    const rt = await testRuntime();
    const start = randomArray(64, 7);
    const p = rt.tensor([64], start);
    const opt = new AdamW(rt, [p]);
    const g = randomArray(64, 8);
    g[3] = Number.NaN;
    opt.record([rt.tensor([64], g)], 0.1);
    const stats = await opt.readStats();
    expect(stats.finite).toBe(false);
    opt.undoSkipped();
    expect(opt.step).toBe(0);
    expect(maxAbsDiff(await rt.readTensor(p), start)).toBe(0);
    expect(maxAbsDiff(await rt.readTensor(opt.m[0]), new Float32Array(64))).toBe(0);
    const inf = new Float32Array(64).fill(1);
    inf[0] = Infinity;
    opt.record([rt.tensor([64], inf)], 0.1);
    expect((await opt.readStats()).finite).toBe(false);
  });
});

describe('learning-rate schedules', () => {
  const base = { lr: 1, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly, then holds, decays linearly or by cosine to zero', () => {
    expect(learningRate({ ...base, name: 'constant' }, 0)).toBeCloseTo(0.1);
    expect(learningRate({ ...base, name: 'constant' }, 9)).toBeCloseTo(1);
    expect(learningRate({ ...base, name: 'constant' }, 100)).toBe(1);
    expect(learningRate({ ...base, name: 'linear' }, 60)).toBeCloseTo(0.5);
    expect(learningRate({ ...base, name: 'linear' }, 110)).toBeCloseTo(0);
    expect(learningRate({ ...base, name: 'cosine' }, 60)).toBeCloseTo(0.5);
    expect(learningRate({ ...base, name: 'cosine' }, 35)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)));
    expect(learningRate({ ...base, name: 'cosine' }, 110)).toBeCloseTo(0);
  });
});
