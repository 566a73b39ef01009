// Tags given in the data: resolved against the taxonomy by id or name; MATH subjects mapped to the top level.
import { describe, expect, it } from 'vitest';
import { defaultTaxonomy } from '../../../src/data/taxonomy/taxonomy.ts';
import { givenTags, givenTagsForPool, subjectOf } from '../../../src/data/tagging/given.ts';
import type { Problem } from '../../../src/data/problem.ts';

const taxonomy = defaultTaxonomy();
const problem = (id: string, extra: Partial<Problem>): Problem => ({ id, question: 'q', answer: '1', source: 's', ...extra });

describe('givenTags', () => {
  it('keeps taxonomy ids, resolves names case-insensitively, and lists unknown tags', () => {
    const p = problem('p1', { knowledge_points: ['fractions.basic', 'modular arithmetic', 'Fractions', 'vibes'], meta: { subject: 'Number Theory' } });
    expect(givenTags(p, taxonomy)).toEqual({
      problemId: 'p1',
      known: ['fractions.basic', 'number-theory.modular-arithmetic'],
      unknown: ['vibes'],
      subject: 'number-theory',
    });
  });

  it('maps the MATH subject of an imported problem to the taxonomy top level', () => {
    expect(subjectOf(problem('a', { meta: { subject: 'Counting & Probability' } }), taxonomy)).toBe('counting-probability');
    expect(subjectOf(problem('b', { meta: { subject: 'Intermediate Algebra' } }), taxonomy)).toBe('intermediate-algebra');
    expect(subjectOf(problem('c', { meta: { subject: 'Calculus' } }), taxonomy)).toBeNull();
    expect(subjectOf(problem('d', {}), taxonomy)).toBeNull();
    expect(givenTags(problem('e', {}), taxonomy)).toEqual({ problemId: 'e', known: [], unknown: [], subject: null });
  });

  it('lists the problems of a pool whose tags are unknown', () => {
    const pool = [problem('a', { knowledge_points: ['stats.mean'] }), problem('b', { knowledge_points: ['stats.mode'] })];
    const { tags, withUnknown } = givenTagsForPool(pool, taxonomy);
    expect(tags.map((t) => t.known)).toEqual([['stats.mean'], []]);
    expect(withUnknown.map((t) => [t.problemId, t.unknown])).toEqual([['b', ['stats.mode']]]);
  });
});
