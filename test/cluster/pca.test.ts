import { describe, expect, it } from 'vitest';
import { pca2, pca2Full } from '../../src/cluster/pca.ts';
import { Rng } from '../../src/util/random.ts';

/** Rows a·u + b·v + small noise with var(a) = 9, var(b) = 1, for orthonormal u, v in 6 dimensions. */
function planeData(n: number, seed: number) {
  const rng = new Rng(seed);
  const u = [1, 1, 0, 0, 0, 0].map((x) => x / Math.SQRT2);
  const v = [0, 0, 1, -1, 1, -1].map((x) => x / 2);
  const data = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    const a = 3 * rng.normal();
    const b = rng.normal();
    for (let d = 0; d < 6; d++) data[i * 6 + d] = 5 + a * u[d] + b * v[d] + 0.01 * rng.normal();
  }
  return { data, u, v };
}

describe('pca2', () => {
  it('finds the two directions of largest variance, in order', () => {
    const { data, u, v } = planeData(4000, 1);
    const { components, variances, projection } = pca2Full(data, 4000, 6);
    const dot = (w: number[], c: number) => w.reduce((s, x, d) => s + x * components[c * 6 + d], 0);
    expect(Math.abs(dot(u, 0))).toBeGreaterThan(0.999);
    expect(Math.abs(dot(v, 1))).toBeGreaterThan(0.999);
    expect(variances[0]).toBeCloseTo(9, 0);
    expect(variances[1]).toBeCloseTo(1, 0);
    let mean0 = 0;
    for (let i = 0; i < 4000; i++) mean0 += projection[i * 2] / 4000;
    expect(Math.abs(mean0)).toBeLessThan(1e-4); // centred
  });

  it('fixes each sign (positive dot with the ramp 1..dim), so negated data gives the same axes', () => {
    const { data } = planeData(500, 2);
    const a = pca2Full(data, 500, 6);
    const b = pca2Full(data.map((x) => -x), 500, 6);
    for (let c = 0; c < 2; c++) {
      const ramp = Array.from(a.components.subarray(c * 6, c * 6 + 6)).reduce((s, x, d) => s + (d + 1) * x, 0);
      expect(ramp).toBeGreaterThan(0);
    }
    for (let i = 0; i < 1000; i++) expect(b.projection[i]).toBeCloseTo(-a.projection[i], 4);
  });

  it('estimates from a strided subset of a large set with nearly the same result', () => {
    const { data } = planeData(20000, 3);
    const full = pca2(data, 20000, 6, { maxRows: 20000 });
    const sub = pca2(data, 20000, 6, { maxRows: 2000 });
    for (let i = 0; i < 200; i++) expect(sub[i]).toBeCloseTo(full[i], 1);
  });

  it('gives (0, 0) for a single row, identical rows and no variance', () => {
    expect(Array.from(pca2(Float32Array.of(1, 2, 3), 1, 3))).toEqual([0, 0]);
    expect(Array.from(pca2(new Float32Array(12).fill(7), 4, 3))).toEqual(new Array(8).fill(0));
    // variance in one direction only: the second coordinate is 0
    const line = Float32Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? i : 0));
    const p = pca2(line, 5, 2);
    for (let i = 0; i < 5; i++) expect(p[i * 2 + 1]).toBe(0);
  });
});
