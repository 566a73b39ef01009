import { describe, expect, it } from 'vitest';
import { argmax, sampleToken } from '../../../src/engine/model/sampler.ts';
import { samplingWeights, topPBits, uniformBits } from '../../../src/engine/reference/sampling.ts';
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
    // the plain definition on the rule's integer weights: sort every token (weight descending, ties by id), keep the
    // shortest prefix whose mass reaches ⌊S·P / 2^32⌋, then pick by mass in id order among the kept tokens
    const naive = (logits: Float32Array, temperature: number, topP: number, u: number): number => {
      const w = Array.from(samplingWeights(logits, temperature));
      const total = w.reduce((a, b) => a + b, 0);
      const need = Math.max(1, Number((BigInt(total) * BigInt(topPBits(topP))) >> 32n));
      const order = w.map((_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
      const kept = new Set<number>();
      let mass = 0;
      for (const i of order) {
        if (topP < 1 && mass >= need) break;
        kept.add(i);
        mass += w[i];
      }
      const target = (BigInt(mass) * BigInt(uniformBits(u))) >> 32n;
      let acc = 0n;
      for (let i = 0; i < w.length; i++) if (kept.has(i) && (acc += BigInt(w[i])) > target) return i;
      throw new Error('no pick');
    };
    const rng = new Rng(11);
    const trials = 300;
    for (let trial = 0; trial < trials; trial++) {
      const spread = 1 + 10 * rng.next(); // from flat to very peaked distributions
      const logits = Float32Array.from({ length: 2000 }, () => spread * (rng.next() * 2 - 1) ** 3);
      const topP = [0.5, 0.9, 0.95, 0.999][trial % 4];
      const u = rng.next();
      expect(sampleToken(logits, { temperature: 0.7, topP }, u)).toBe(naive(logits, 0.7, topP, u));
    }
  });

  it('the fixed-point weights are 2^-z to 6e-6 relative (the table\'s 5.3e-6 and the f32 rounding of z)', () => {
    const logits = Float32Array.from({ length: 400 }, (_, i) => -i / 20);
    const w = samplingWeights(logits, 0.9);
    let worst = 0;
    logits.forEach((l, i) => {
      const exact = 2 ** 32 * Math.exp(l / 0.9);
      if (exact > 2 ** 20) worst = Math.max(worst, Math.abs(w[i] / exact - 1)); // above 2^20 the integer rounding is below 1e-6
    });
    console.log(`sampling weights: max relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(6e-6);
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
