import { describe, expect, it } from 'vitest';
import { buildPair, pairsToTrlJsonl } from '../../src/loop/pairs.ts';
import { Rng } from '../../src/util/random.ts';

const a = (text: string, tokens: number, correct: boolean) => ({ text, tokens, correct });

describe('DPO pairs', () => {
  const answers = [a('r-long', 30, true), a('w1', 5, false), a('r-short', 10, true), a('w2', 8, false), a('r-mid', 20, true)];

  it('chosen is a right answer (random, shortest or longest), rejected a wrong one', () => {
    const shortest = buildPair('p', 'Q\n', answers, 'shortest', new Rng(1))!;
    expect(shortest).toMatchObject({ problemId: 'p', prompt: 'Q\n', chosen: 'r-short' });
    expect(['w1', 'w2']).toContain(shortest.rejected);
    expect(buildPair('p', 'Q\n', answers, 'longest', new Rng(1))!.chosen).toBe('r-long');
    const seen = new Set<string>();
    for (let s = 0; s < 40; s++) seen.add(buildPair('p', 'Q\n', answers, 'random', new Rng(s))!.chosen);
    expect(seen).toEqual(new Set(['r-long', 'r-short', 'r-mid']));
  });

  it('no pair when every answer is right, or none is', () => {
    expect(buildPair('p', 'Q', [a('x', 1, true), a('y', 1, true)], 'random', new Rng(1))).toBeNull();
    expect(buildPair('p', 'Q', [a('x', 1, false), a('y', 1, false)], 'random', new Rng(1))).toBeNull();
    expect(buildPair('p', 'Q', [a('', 0, true), a('y', 1, false)], 'random', new Rng(1))).toBeNull();
  });

  it('exports TRL format', () => {
    const line = pairsToTrlJsonl([{ problemId: 'p', prompt: 'Q', chosen: 'c', rejected: 'r' }]);
    expect(line).toBe('{"prompt":"Q","chosen":"c","rejected":"r"}\n');
    expect(pairsToTrlJsonl([])).toBe('');
  });
});
