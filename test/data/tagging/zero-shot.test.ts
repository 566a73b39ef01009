// Zero-shot tagging with the lexical HashedBagOfWords embedder: the interface, top-k + threshold, subject
// restriction, and a sanity check on MATH-500 against its own subject labels.
import { describe, expect, it } from 'vitest';
import { loadBundledSet } from '../../../src/data/pool/bundled.ts';
import { defaultTaxonomy } from '../../../src/data/taxonomy/taxonomy.ts';
import { cosine, type Embedder } from '../../../src/data/tagging/embedder.ts';
import { subjectOf } from '../../../src/data/tagging/given.ts';
import { HashedBagOfWords, wordsOf } from '../../../src/data/tagging/hashed-embedder.ts';
import { bestAbove, createZeroShotTagger } from '../../../src/data/tagging/zero-shot.ts';

const taxonomy = defaultTaxonomy();

describe('HashedBagOfWords', () => {
  it('is deterministic, unit-length and of its dim', async () => {
    const e = new HashedBagOfWords(256);
    const [a, b] = await e.embed(['The sum of the fractions 1/2 and 1/3', 'The sum of the fractions 1/2 and 1/3']);
    expect(a).toHaveLength(256);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(Array.from(e.embedOne('12 + 7 = ?'))).toEqual(new Array(256).fill(0)); // no words at all
  });

  it('puts texts that share words closer than texts that do not', () => {
    const e = new HashedBagOfWords(512);
    const circle = e.embedOne('Find the area of a circle with radius 3');
    expect(cosine(circle, e.embedOne('the circle has radius 5; what is its area'))).toBeGreaterThan(cosine(circle, e.embedOne('How many primes divide 2024?')));
  });

  it('reads LaTeX commands as words and trims plurals', () => {
    expect(wordsOf('Simplify $\\frac{x}{y}$ for all integers')).toEqual(['simplify', 'frac', 'all', 'integer']);
  });

  it('rejects a bad dim', () => {
    expect(() => new HashedBagOfWords(0)).toThrow('HashedBagOfWords: dim must be a positive integer, got 0');
  });
});

describe('createZeroShotTagger', () => {
  it("tags a problem written from a point's description with that point first", async () => {
    const tagger = await createZeroShotTagger(taxonomy, new HashedBagOfWords(1024));
    const problems = [
      { id: 'a', question: 'How many divisors does 360 have? Count the divisors using its prime factorization.' },
      { id: 'b', question: 'Convert 3 hours to minutes, and 2 kilograms to grams (unit conversion).' },
      { id: 'c', question: 'Two dice are rolled. What is the probability that the sum is 7? Each outcome of the dice is equally likely.' },
    ];
    const tags = await tagger.tag(problems);
    expect(tags.map((t) => [t.problemId, t.points[0]?.id])).toEqual([
      ['a', 'number-theory.factors-count'],
      ['b', 'units.conversion'],
      ['c', 'probability.basic'],
    ]);
    for (const t of tags) {
      expect(t.points.length).toBeLessThanOrEqual(3);
      expect(t.points.map((p) => p.score)).toEqual([...t.points.map((p) => p.score)].sort((x, y) => y - x));
    }
  });

  it('returns nothing for a problem that clears no threshold', async () => {
    const tagger = await createZeroShotTagger(taxonomy, new HashedBagOfWords(4096), { threshold: 0.2 });
    const [t] = await tagger.tag([{ id: 'x', question: 'Zyxw qwerty plugh xyzzy.' }]);
    expect(t.points).toEqual([]);
    const open = await createZeroShotTagger(taxonomy, new HashedBagOfWords(4096), { threshold: 0 });
    expect((await open.tag([{ id: 'x', question: 'Zyxw qwerty plugh xyzzy.' }]))[0].points).toHaveLength(3);
  });

  it("restricts candidates to the problem's MATH subject when known", async () => {
    const tagger = await createZeroShotTagger(taxonomy, new HashedBagOfWords(512), { threshold: 0, topK: 5 });
    const question = 'What is the probability that a point chosen in the square lies inside the circle?';
    const [free, geometry] = await tagger.tag([
      { id: 'free', question },
      { id: 'geo', question, meta: { subject: 'Geometry' } },
    ]);
    expect(free.subject).toBeNull();
    expect(free.points.some((p) => taxonomy.byId.get(p.id)!.subject === 'counting-probability')).toBe(true);
    expect(geometry.subject).toBe('geometry');
    expect(geometry.points.length).toBe(5);
    for (const p of geometry.points) expect(taxonomy.byId.get(p.id)!.subject).toBe('geometry');
  });

  it('embeds in batches of batchSize and checks what the embedder returns', async () => {
    const inner = new HashedBagOfWords(64);
    const batches: number[] = [];
    const counting: Embedder = { dim: 64, embed: (texts) => (batches.push(texts.length), inner.embed(texts)) };
    const tagger = await createZeroShotTagger(taxonomy, counting, { batchSize: 40 });
    expect(batches).toEqual([40, 40, taxonomy.points.length - 80]);
    await tagger.tag(Array.from({ length: 5 }, (_, i) => ({ id: String(i), question: `problem ${i}` })));
    expect(batches.slice(3)).toEqual([5]);

    const wrongDim: Embedder = { dim: 64, embed: async (texts) => texts.map(() => new Float32Array(32)) };
    await expect(createZeroShotTagger(taxonomy, wrongDim)).rejects.toThrow('embedder returned a vector of length 32, expected dim 64');
    const tooFew: Embedder = { dim: 8, embed: async () => [] };
    await expect(createZeroShotTagger(taxonomy, tooFew)).rejects.toThrow(/embedder returned 0 vectors for 32 texts/);
    await expect(createZeroShotTagger(taxonomy, inner, { topK: 0 })).rejects.toThrow('topK must be a positive integer, got 0');
  });

  it('on MATH-500, the best point falls in the labelled subject more often than always guessing the commonest subject', async () => {
    const { problems } = await loadBundledSet('math500/test');
    const tagger = await createZeroShotTagger(taxonomy, new HashedBagOfWords(512), { threshold: 0, topK: 1, restrictToSubject: false });
    const tags = await tagger.tag(problems);
    const labelled = problems.map((p) => subjectOf(p, taxonomy));
    const agree = tags.filter((t, i) => taxonomy.byId.get(t.points[0].id)!.subject === labelled[i]).length / problems.length;
    const counts = new Map<string, number>();
    for (const s of labelled) counts.set(s!, (counts.get(s!) ?? 0) + 1);
    const commonest = Math.max(...counts.values()) / problems.length;
    console.log(`MATH-500 zero-shot (hashed bag of words, dim 512): subject agreement ${agree.toFixed(3)}, commonest-subject baseline ${commonest.toFixed(3)}`);
    expect(labelled.every((s) => s !== null)).toBe(true);
    expect(agree).toBeGreaterThan(commonest);
  });
});

describe('bestAbove', () => {
  it('keeps the k best at or above the threshold, ties by id', () => {
    const scored = [
      { id: 'b', score: 0.5 },
      { id: 'a', score: 0.5 },
      { id: 'c', score: 0.9 },
      { id: 'd', score: 0.1 },
    ];
    expect(bestAbove(scored, 2, 0.2).map((s) => s.id)).toEqual(['c', 'a']);
    expect(bestAbove(scored, 10, 0.5).map((s) => s.id)).toEqual(['c', 'a', 'b']);
  });
});
