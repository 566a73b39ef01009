// The curriculum as a pool: coverage of the knowledge points, determinism, the fixed held-out split,
// size (at least 100,000 distinct problems), filters and errors.
import { describe, expect, it } from 'vitest';
import {
  canonicalKey,
  curriculumKnowledgePoints,
  generateCurriculum,
  GENERATORS,
  problemFromId,
  splitOfProblem,
} from '../../../src/data/curriculum/index.ts';
import { splitOfKey, TEST_PER_MILLE } from '../../../src/data/curriculum/split.ts';
import { defaultTaxonomy } from '../../../src/data/taxonomy/taxonomy.ts';

const REQUIRED_POINTS = [
  'arith.add-sub', 'arith.multiply', 'arith.divide-remainder', 'arith.order-of-operations', 'fractions.basic', 'decimals.basic',
  'percent.basic', 'ratio.basic', 'units.conversion', 'word.multi-step', 'algebra.linear-equations', 'geometry.perimeter-area',
  'number-theory.gcd-lcm', 'number-theory.divisibility', 'sequences.arithmetic', 'stats.mean',
];

describe('curriculum coverage', () => {
  it('has at least 20 generators with at least 3 levels each, and unique ids', () => {
    expect(GENERATORS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(GENERATORS.map((g) => g.id)).size).toBe(GENERATORS.length);
    for (const g of GENERATORS) expect(g.levels.length, g.id).toBeGreaterThanOrEqual(3);
  });

  it('covers every required knowledge point, with ids from the taxonomy', () => {
    const covered = curriculumKnowledgePoints();
    for (const kp of REQUIRED_POINTS) expect(covered).toContain(kp);
    const taxonomy = defaultTaxonomy();
    for (const kp of covered) expect(taxonomy.byId.has(kp), `${kp} is not in src/data/taxonomy`).toBe(true);
  });

  it('fills every Problem field the schema asks for', () => {
    for (const p of generateCurriculum({ seed: 5, count: 300, split: 'train' })) {
      expect(p.source).toBe('curriculum');
      expect(p.id).toMatch(/^curriculum\/[a-z0-9-]+\/[1-3]\/[0-9a-f]{8}$/);
      expect(p.id.split('/')[1]).toBe(p.meta!.generator);
      expect(p.id.split('/')[2]).toBe(String(p.difficulty_label));
      expect(p.question.length).toBeGreaterThan(5);
      expect(p.knowledge_points!.length).toBeGreaterThan(0);
    }
  });
});

describe('curriculum determinism', () => {
  it('the same options give the same problems; another seed gives others', () => {
    const a = generateCurriculum({ seed: 42, count: 500, split: 'train' });
    const b = generateCurriculum({ seed: 42, count: 500, split: 'train' });
    expect(b).toEqual(a);
    const c = generateCurriculum({ seed: 43, count: 500, split: 'train' });
    const shared = new Set(a.map((p) => p.question));
    expect(c.filter((p) => shared.has(p.question)).length).toBeLessThan(50);
  });

  it('an id regenerates its problem', () => {
    for (const p of generateCurriculum({ seed: 9, count: 200, split: 'test' })) expect(problemFromId(p.id)).toEqual(p);
  });

  it('ids are unique within a batch', () => {
    const ps = generateCurriculum({ seed: 11, count: 5000, split: 'train' });
    expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
  });
});

describe('curriculum split', () => {
  const train = [1, 2].flatMap((seed) => generateCurriculum({ seed, count: 20_000, split: 'train' }));
  const test = [1, 2].flatMap((seed) => generateCurriculum({ seed, count: 5_000, split: 'test' }));

  it('train and test never share a problem (by parameters or by question text)', () => {
    const trainKeys = new Set(train.map((p) => canonicalKey(p.meta!.generator as string, JSON.parse(p.meta!.params as string))));
    const trainQuestions = new Set(train.map((p) => p.question));
    for (const p of test) {
      expect(trainKeys.has(canonicalKey(p.meta!.generator as string, JSON.parse(p.meta!.params as string))), p.id).toBe(false);
      expect(trainQuestions.has(p.question), p.question).toBe(false);
    }
  });

  it('each problem belongs to the split it was generated for, whatever the seed', () => {
    for (const p of train.slice(0, 2000)) expect(splitOfProblem(p)).toBe('train');
    for (const p of test.slice(0, 2000)) expect(splitOfProblem(p)).toBe('test');
  });

  it('the held-out share of all drawn problems is about TEST_PER_MILLE', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `probe|${i}`);
    const share = keys.filter((k) => splitOfKey(k) === 'test').length / keys.length;
    expect(Math.abs(share - TEST_PER_MILLE / 1000)).toBeLessThan(0.01);
  });
});

describe('curriculum size', () => {
  it('reaches at least 100,000 distinct problems', () => {
    const ps = generateCurriculum({ seed: 2026, count: 105_000, split: 'train' });
    const distinct = new Set(ps.map((p) => p.question)).size;
    console.log(`${distinct} distinct training questions from one seed`);
    expect(distinct).toBeGreaterThanOrEqual(100_000);
  });
});

describe('curriculum filters and errors', () => {
  it('levels and knowledgePoints restrict what is generated', () => {
    const ps = generateCurriculum({ seed: 3, count: 400, split: 'train', levels: [3], knowledgePoints: ['fractions.basic', 'stats.mean'] });
    expect(ps).toHaveLength(400);
    for (const p of ps) {
      expect(p.difficulty_label).toBe(3);
      expect(p.knowledge_points!.some((kp) => kp === 'fractions.basic' || kp === 'stats.mean')).toBe(true);
    }
    expect(new Set(ps.map((p) => p.meta!.generator))).toEqual(new Set(['fraction-add-sub', 'fraction-mul-div', 'mean']));
  });

  it('bad options fail with a message naming the option', () => {
    expect(() => generateCurriculum({ seed: 1, count: 5, split: 'train', knowledgePoints: ['calculus.limits'] })).toThrow(/knowledgePoints: unknown id "calculus.limits"/);
    expect(() => generateCurriculum({ seed: 1, count: 5, split: 'train', levels: [7] })).toThrow(/levels: no level 7/);
    expect(() => generateCurriculum({ seed: 1.5, count: 5, split: 'train' })).toThrow(/seed must be an integer/);
    expect(() => generateCurriculum({ seed: 1, count: -1, split: 'train' })).toThrow(/count must be a whole number/);
    expect(() => generateCurriculum({ seed: 1, count: 1, split: 'dev' as 'train' })).toThrow(/split must be "train" or "test"/);
    expect(() => problemFromId('gsm8k/train/1')).toThrow(/not a curriculum problem id/);
    expect(() => problemFromId('curriculum/add/9/00000001')).toThrow(/has no level 9/);
  });

  it('asking a narrow filter for more problems than it holds fails clearly instead of looping', () => {
    // level-1 divide-remainder holds 90 dividends × 8 divisors × 2 questions = 1440 problems in all
    expect(() => generateCurriculum({ seed: 1, count: 5000, split: 'test', levels: [1], knowledgePoints: ['arith.divide-remainder'] })).toThrow(
      /found only \d+ of 5000 distinct test problems/,
    );
    const fewer = generateCurriculum({ seed: 1, count: 5000, split: 'test', levels: [1], knowledgePoints: ['arith.divide-remainder'], allowFewer: true });
    expect(fewer.length).toBeGreaterThan(100);
    expect(fewer.length).toBeLessThan(1440);
    expect(new Set(fewer.map((p) => p.id)).size).toBe(fewer.length);
  });
});
