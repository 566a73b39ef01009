// The shipped knowledge-point taxonomy: size, stable grade-school ids first, subjects, MATH mapping, validation.
import { describe, expect, it } from 'vitest';
import { defaultTaxonomy, parseTaxonomy, pointsOfSubject, subjectForMathSubject } from '../../../src/data/taxonomy/taxonomy.ts';
import data from '../../../src/data/taxonomy/knowledge-points.json';

/** Ids the synthetic curriculum tags its problems with: they must exist and stay at the front, in this order. */
const GRADE_SCHOOL_IDS = [
  'arith.add-sub',
  'arith.multiply',
  'arith.divide-remainder',
  'arith.order-of-operations',
  'fractions.basic',
  'decimals.basic',
  'percent.basic',
  'ratio.basic',
  'units.conversion',
  'word.multi-step',
  'algebra.linear-equations',
  'geometry.perimeter-area',
  'number-theory.gcd-lcm',
  'number-theory.divisibility',
  'sequences.arithmetic',
  'stats.mean',
];

const MATH_SUBJECTS = ['Prealgebra', 'Algebra', 'Number Theory', 'Counting & Probability', 'Geometry', 'Intermediate Algebra', 'Precalculus'];

describe('the shipped taxonomy', () => {
  const t = defaultTaxonomy();

  it('has about 100 knowledge points with unique ids, names and one-line descriptions', () => {
    console.log(`taxonomy: ${t.points.length} knowledge points in ${t.subjects.length} subjects`);
    expect(t.points.length).toBeGreaterThanOrEqual(90);
    expect(t.points.length).toBeLessThanOrEqual(130);
    expect(new Set(t.points.map((p) => p.id)).size).toBe(t.points.length);
    expect(new Set(t.points.map((p) => p.name.toLowerCase())).size).toBe(t.points.length);
    for (const p of t.points) {
      expect(p.id).toMatch(/^[a-z-]+\.[a-z0-9-]+$/);
      expect(p.description).not.toMatch(/\n/);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it('starts with the grade-school ids the curriculum uses, in a fixed order', () => {
    expect(t.points.slice(0, GRADE_SCHOOL_IDS.length).map((p) => p.id)).toEqual(GRADE_SCHOOL_IDS);
  });

  it('covers grade-school arithmetic and every MATH subject, each with several points', () => {
    expect(t.subjects.map((s) => s.id)).toEqual(['arithmetic', 'prealgebra', 'algebra', 'number-theory', 'counting-probability', 'geometry', 'intermediate-algebra', 'precalculus']);
    for (const s of t.subjects) expect(pointsOfSubject(t, s.id).length, s.id).toBeGreaterThanOrEqual(8);
  });

  it('maps every MATH subject name to its top-level subject, and unknown names to null', () => {
    expect(MATH_SUBJECTS.map((m) => subjectForMathSubject(t, m))).toEqual([
      'prealgebra',
      'algebra',
      'number-theory',
      'counting-probability',
      'geometry',
      'intermediate-algebra',
      'precalculus',
    ]);
    expect(subjectForMathSubject(t, ' number theory ')).toBe('number-theory');
    expect(subjectForMathSubject(t, 'geometry')).toBe('geometry');
    expect(subjectForMathSubject(t, 'Calculus')).toBeNull();
  });
});

describe('parseTaxonomy', () => {
  const clone = () => JSON.parse(JSON.stringify(data));

  it('accepts the shipped data', () => {
    expect(parseTaxonomy(clone()).points).toHaveLength(defaultTaxonomy().points.length);
  });

  it('names the entry and field of every error', () => {
    const dup = clone();
    dup.knowledge_points[5].id = dup.knowledge_points[0].id;
    expect(() => parseTaxonomy(dup, 't.json')).toThrow('t.json: knowledge_points[5].id "arith.add-sub" is a duplicate');
    const noDescription = clone();
    delete noDescription.knowledge_points[3].description;
    expect(() => parseTaxonomy(noDescription, 't.json')).toThrow('t.json: knowledge_points[3].description must be a non-empty string');
    const badSubject = clone();
    badSubject.knowledge_points[2].subject = 'astrology';
    expect(() => parseTaxonomy(badSubject, 't.json')).toThrow('t.json: knowledge_points[2].subject "astrology" is not one of the listed subjects');
    expect(() => parseTaxonomy([], 't.json')).toThrow('t.json must be an object');
    expect(() => parseTaxonomy({ subjects: [] }, 't.json')).toThrow('t.json: knowledge_points must be an array');
  });
});
