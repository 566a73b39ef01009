import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';
import { clusterPool } from '../../src/cluster/cluster-pool.ts';
import { generateCurriculum } from '../../src/data/curriculum/index.ts';
import { builtinEmbedder, textShape } from '../../src/embed/builtin.ts';

describe('builtinEmbedder', () => {
  it('gives unit vectors of its dim, the same for the same text', async () => {
    const e = builtinEmbedder({ dim: 64 });
    const [a, b, c] = await e.embed(['percent.basic', 'percent.basic', 'ratio.basic']);
    expect(e.dim).toBe(64);
    expect(a.length).toBe(64);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 6);
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(e.name).toBe('builtin:hashed-char-ngrams/64');
  });

  it('reads numbers by shape: questions differing only in their numbers embed alike', async () => {
    expect(textShape('  Simplify 12/35 +   7/8. ')).toBe('simplify 0/0 + 0/0.');
    const [a, b] = await builtinEmbedder().embed(['Simplify 12/35 + 7/8.', 'Simplify 1/3 + 46/9.']);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('maps an empty text to the zero vector', async () => {
    const [v] = await builtinEmbedder({ dim: 8 }).embed(['']);
    expect(Array.from(v)).toEqual(new Array(8).fill(0));
  });

  it('explains bad options', () => {
    expect(() => builtinEmbedder({ dim: 0 })).toThrow('builtinEmbedder: dim must be a positive integer, got 0');
    expect(() => builtinEmbedder({ ngrams: [] })).toThrow(/ngrams must be positive integers/);
  });

  // The bar the lab's offline default must clear: its clusters agree with the curriculum's true knowledge points.
  it('clusters the curriculum by knowledge point: ARI >= 0.6 (knowledge text), reported for questions too', async () => {
    const problems = generateCurriculum({ seed: 11, count: 2000, split: 'train' });
    const generators = problems.map((p) => String(p.meta!.generator));
    const tagSets = problems.map((p) => p.knowledge_points!.join('|'));
    const byTags = await clusterPool(problems, builtinEmbedder(), { seed: 1 });
    const byQuestion = await clusterPool(problems, builtinEmbedder(), { seed: 1, k: new Set(generators).size, text: (p) => p.question });
    const report = {
      knowledgeText: { k: byTags.k, ariGenerators: adjustedRandIndex(byTags.assignments, generators), ariTagSets: adjustedRandIndex(byTags.assignments, tagSets) },
      question: { k: byQuestion.k, ariGenerators: adjustedRandIndex(byQuestion.assignments, generators), ariTagSets: adjustedRandIndex(byQuestion.assignments, tagSets) },
    };
    console.log(`builtin embedder ARI on the curriculum (2000 problems): ${JSON.stringify(report)}`);
    expect(report.knowledgeText.ariGenerators).toBeGreaterThanOrEqual(0.6);
    expect(report.knowledgeText.ariTagSets).toBe(1);
    expect(report.question.ariGenerators).toBeGreaterThan(0.2); // well above chance (0), far from the tags' 0.83
  });
});
