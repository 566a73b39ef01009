import { describe, expect, it } from 'vitest';
import { argmax, sampleToken } from '../../../src/engine/model/sampler.ts';
import { Rng, sequenceRng } from '../../../src/engine/model/rng.ts';
import { findStop } from '../../../src/engine/model/stop.ts';

const LOGITS = Float32Array.from([0.5, 2.0, -1.0, 1.5, 0.0]);

function softmax(logits: ArrayLike<number>, temperature: number): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (x) => Math.exp((x - max) / temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe('sampler', () => {
  it('temperature 0 is argmax, whatever the random number', () => {
    expect(argmax(LOGITS)).toBe(1);
    for (const u of [0, 0.3, 0.999]) expect(sampleToken(LOGITS, { temperature: 0, topP: 1 }, u)).toBe(1);
  });

  it('samples with the softmax frequencies at temperature 0.8 (20000 draws, 4 sigma bounds)', () => {
    const rng = new Rng(7);
    const counts = new Array(LOGITS.length).fill(0);
    const N = 20000;
    for (let i = 0; i < N; i++) counts[sampleToken(LOGITS, { temperature: 0.8, topP: 1 }, rng.next())]++;
    const p = softmax(LOGITS, 0.8);
    p.forEach((pi, i) => {
      const sigma = Math.sqrt((pi * (1 - pi)) / N);
      expect(Math.abs(counts[i] / N - pi)).toBeLessThan(4 * sigma + 1e-9);
    });
  });

  it('top-p keeps only the nucleus, renormalized', () => {
    const p = softmax(LOGITS, 1); // sorted: token 1 (0.46), token 3 (0.28), token 0 (0.15), ...
    const rng = new Rng(3);
    const counts = new Map<number, number>();
    const N = 10000;
    for (let i = 0; i < N; i++) {
      const t = sampleToken(LOGITS, { temperature: 1, topP: 0.6 }, rng.next());
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 3]); // 0.46 < 0.6 ≤ 0.46 + 0.28
    const share = counts.get(1)! / N;
    const expected = p[1] / (p[1] + p[3]);
    expect(Math.abs(share - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / N));
    // a tiny nucleus is greedy
    expect(sampleToken(LOGITS, { temperature: 1, topP: 1e-6 }, 0.99)).toBe(1);
  });

  it('top-p over a large vocabulary picks what a full sort of the vocabulary picks', () => {
    // the plain definition: sort every token, keep the shortest prefix reaching topP, sample by mass
    const naive = (logits: Float32Array, temperature: number, topP: number, u: number): number => {
      const p = softmax(logits, temperature);
      const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
      let kept = 0;
      let mass = 0;
      while (kept < order.length && mass < topP) mass += p[order[kept++]];
      let acc = 0;
      for (let i = 0; i < kept; i++) if ((acc += p[order[i]]) > mass * u) return order[i];
      return order[kept - 1];
    };
    const rng = new Rng(11);
    let agree = 0;
    const trials = 300;
    for (let trial = 0; trial < trials; trial++) {
      const spread = 1 + 10 * rng.next(); // from flat to very peaked distributions
      const logits = Float32Array.from({ length: 2000 }, () => spread * (rng.next() * 2 - 1) ** 3);
      const topP = [0.5, 0.9, 0.95, 0.999][trial % 4];
      const u = rng.next();
      if (sampleToken(logits, { temperature: 0.7, topP }, u) === naive(logits, 0.7, topP, u)) agree++;
    }
    // the two sum in different orders, so a draw within ~1e-12 of a bucket edge may differ
    expect(agree).toBeGreaterThanOrEqual(trials - 1);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => sampleToken(LOGITS, { temperature: -1, topP: 1 }, 0.5)).toThrow(/temperature/);
    expect(() => sampleToken(LOGITS, { temperature: 1, topP: 0 }, 0.5)).toThrow(/top-p/);
  });
});

describe('per-sequence rng', () => {
  it('depends only on (seed, prompt, sample)', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    expect(draw(sequenceRng(1, 2, 3))).toEqual(draw(sequenceRng(1, 2, 3)));
    const streams = [sequenceRng(1, 2, 3), sequenceRng(2, 2, 3), sequenceRng(1, 3, 3), sequenceRng(1, 2, 4), sequenceRng(1, 3, 2)].map(draw);
    for (let i = 0; i < streams.length; i++) for (let j = i + 1; j < streams.length; j++) expect(streams[i]).not.toEqual(streams[j]);
  });
});

describe('stop strings', () => {
  it('finds the earliest stop string and ignores empty ones', () => {
    expect(findStop('abc\n\nQ: x', ['Q:', '\n\n'])).toBe(3);
    expect(findStop('abc', ['', 'z'])).toBe(-1);
  });
});
