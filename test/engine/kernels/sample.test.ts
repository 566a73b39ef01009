import { describe, expect, it } from 'vitest';
import { sampleTokens, type SampleOptions, type SampleWorkgroup } from '../../../src/engine/kernels/sample.ts';
import { sampleRef } from '../../../src/engine/reference/sampling.ts';
import type { Runtime } from '../../../src/engine/runtime.ts';
import { Rng } from '../../../src/util/random.ts';
import { testRuntime } from '../../helpers/gpu.ts';

// the variant software adapters get (16) and the one GPUs get (256), both tested on whatever adapter runs the tests
const WORKGROUPS: SampleWorkgroup[] = [16, 256];

/** The GPU's picks for rows of logits ([rows, V]) with u32 uniforms. */
async function gpuPicks(rt: Runtime, logits: Float32Array, V: number, uniforms: Uint32Array, options: SampleOptions, workgroup: SampleWorkgroup): Promise<number[]> {
  const rows = uniforms.length;
  const x = rt.tensor([rows, V], logits);
  const u = rt.buffer(rows * 4);
  rt.write(u, uniforms);
  const ids = rt.buffer(rows * 4);
  sampleTokens(rt, x, u, ids, rows, V, options, 0, workgroup);
  const out = Array.from(new Uint32Array(await rt.read(ids, rows * 4)));
  for (const b of [x.buffer, u, ids]) rt.release(b);
  return out;
}

function refPicks(logits: Float32Array, V: number, uniforms: Uint32Array, options: SampleOptions): number[] {
  return Array.from(uniforms, (U, r) => sampleRef(logits.subarray(r * V, (r + 1) * V), options, U));
}

function randomUniforms(rng: Rng, rows: number): Uint32Array {
  // the extremes first: U = 0 picks the first nucleus token with weight, U = 2^32 - 1 the last
  return Uint32Array.from({ length: rows }, (_, r) => (r === 0 ? 0 : r === 1 ? 0xffffffff : Math.floor(rng.next() * 2 ** 32)));
}

/** Runs both and expects the same token in every row; returns the picks. */
async function expectAgreement(logits: Float32Array, V: number, uniforms: Uint32Array, options: SampleOptions, workgroup: SampleWorkgroup): Promise<number[]> {
  const rt = await testRuntime();
  const gpu = await gpuPicks(rt, logits, V, uniforms, options, workgroup);
  const ref = refPicks(logits, V, uniforms, options);
  expect(gpu, `V=${V} T=${options.temperature} topP=${options.topP} WG=${workgroup}`).toEqual(ref);
  return gpu;
}

describe('sampling kernel vs the reference, token for token', () => {
  for (const workgroup of WORKGROUPS) {
    it(`random logits, every mode (workgroup ${workgroup})`, async () => {
      const rng = new Rng(17);
      let rows = 0;
      const distinct = new Set<string>();
      for (const V of [2, 5, 102, 1000, 4099]) {
        for (const temperature of [0, 0.3, 0.7, 1, 2]) {
          for (const topP of [1, 0.95, 0.5, 1e-6]) {
            const R = 12;
            const spread = 1 + 8 * rng.next(); // from flat to peaked
            const logits = Float32Array.from({ length: R * V }, () => spread * (rng.next() * 2 - 1) ** 3);
            const picks = await expectAgreement(logits, V, randomUniforms(rng, R), { temperature, topP }, workgroup);
            picks.forEach((p) => distinct.add(`${V}:${p}`));
            rows += R;
          }
        }
      }
      console.log(`sample kernel (WG ${workgroup}): ${rows} rows agree with the reference (${distinct.size} distinct picks)`);
      expect(distinct.size).toBeGreaterThan(100); // the comparison covers many different tokens
    });
  }

  it('ties: equal logits split the nucleus by id, exactly at the top-p boundary', async () => {
    const V = 300;
    // every logit equal: weights are equal, so top-p 0.5 keeps exactly tokens 0..149 and U = 2^32 - 1 picks 149
    const flat = new Float32Array(4 * V).fill(1.25);
    const U = Uint32Array.of(0, 0xffffffff, 0x80000000, 0x7fffffff);
    for (const workgroup of WORKGROUPS) {
      expect(await expectAgreement(flat, V, U, { temperature: 0.7, topP: 0.5 }, workgroup)).toEqual([0, 149, 75, 74]);
      expect(await expectAgreement(flat, V, U, { temperature: 0.7, topP: 1 }, workgroup)).toEqual([0, 299, 150, 149]);
    }
    // logits from four values (many ties at every level), top-p at quarter steps: boundaries fall on ties
    const rng = new Rng(5);
    const R = 16;
    const levels = Float32Array.from({ length: R * V }, () => Math.floor(rng.next() * 4) * 0.5);
    for (const workgroup of WORKGROUPS) {
      for (const topP of [0.25, 0.5, 0.75, 0.999]) {
        for (const temperature of [0, 0.5, 1]) await expectAgreement(levels, V, randomUniforms(rng, R), { temperature, topP }, workgroup);
      }
    }
  });

  it('greedy takes the first of equal maxima; -0 equals +0', async () => {
    const V = 4;
    const logits = Float32Array.of(1, 3, 3, 2, /**/ -0, 0, -1, -2, /**/ 0, -0, -1, -2, /**/ -5, -4, -4, -7);
    for (const workgroup of WORKGROUPS) {
      expect(await expectAgreement(logits, V, new Uint32Array(4), { temperature: 0, topP: 1 }, workgroup)).toEqual([1, 0, 0, 1]);
    }
  });

  it('a tiny nucleus is greedy; a peaked row always gives its top token', async () => {
    const rng = new Rng(8);
    const V = 777;
    const R = 8;
    const logits = Float32Array.from({ length: R * V }, (_, i) => (i % V === 100 + (Math.floor(i / V) * 37)) ? 50 : rng.next());
    const top = Array.from({ length: R }, (_, r) => 100 + r * 37);
    for (const workgroup of WORKGROUPS) {
      expect(await expectAgreement(logits, V, randomUniforms(rng, R), { temperature: 1, topP: 1e-9 }, workgroup)).toEqual(top);
      expect(await expectAgreement(logits, V, randomUniforms(rng, R), { temperature: 0.5, topP: 1 }, workgroup)).toEqual(top);
    }
  });

  it('a Qwen-sized vocabulary (150 000 tokens)', async () => {
    const rng = new Rng(23);
    const V = 150_000;
    const R = 4;
    for (const [temperature, topP, spread] of [[0.7, 0.9, 12], [1, 1, 3], [1, 0.5, 0.5], [0, 1, 5]] as const) {
      const logits = Float32Array.from({ length: R * V }, () => spread * (rng.next() * 2 - 1) ** 3);
      await expectAgreement(logits, V, randomUniforms(rng, R), { temperature, topP }, 256);
    }
  }, 60_000);

  it('writes rows first .. first + rows - 1 only', async () => {
    const rt = await testRuntime();
    const V = 10;
    const rows = 2;
    const logits = rt.tensor([rows, V], Float32Array.from({ length: rows * V }, (_, i) => (i % V === 3 + (i >= V ? 4 : 0) ? 9 : 0)));
    const u = rt.buffer(16);
    rt.write(u, new Uint32Array(4));
    const ids = rt.buffer(16);
    rt.write(ids, Uint32Array.of(77, 77, 77, 77));
    sampleTokens(rt, logits, u, ids, rows, V, { temperature: 0, topP: 1 }, 1);
    expect(Array.from(new Uint32Array(await rt.read(ids, 16)))).toEqual([77, 3, 7, 77]);
    expect(() => sampleTokens(rt, logits, u, ids, rows, V, { temperature: -1, topP: 1 })).toThrow(/temperature/);
    expect(() => sampleTokens(rt, logits, u, ids, rows, V, { temperature: 1, topP: 0 })).toThrow(/top-p/);
    expect(() => sampleTokens(rt, logits, u, ids, rows, V, { temperature: 1, topP: 1 }, 100)).toThrow(/uniforms/);
  });
});
