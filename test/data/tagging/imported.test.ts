// Tags made elsewhere, imported from JSONL: per-line reports, unknown knowledge-point and problem ids, merging.
import { describe, expect, it } from 'vitest';
import { defaultTaxonomy } from '../../../src/data/taxonomy/taxonomy.ts';
import { applyTags, importTags } from '../../../src/data/tagging/imported.ts';
import type { Problem } from '../../../src/data/problem.ts';

const taxonomy = defaultTaxonomy();

describe('importTags', () => {
  it('loads good lines and reports every bad one with its line number and reason', () => {
    const text = [
      '{"id": "gsm8k/train/0", "knowledge_points": ["arith.add-sub", "word.multi-step"]}',
      '{"id": "gsm8k/train/1", "knowledge_points": ["percent.basic", "made.up"]}',
      '{"id": "gsm8k/train/2", "knowledge_points": ["made.up", "also.fake"]}',
      '{"knowledge_points": ["ratio.basic"]}',
      '{"id": "gsm8k/train/3", "knowledge_points": "ratio.basic"}',
      'garbage',
      '',
      '{"id": "gsm8k/train/0", "knowledge_points": ["ratio.basic", "arith.add-sub"]}',
      '{"id": "gsm8k/train/99", "knowledge_points": ["ratio.basic"]}',
      '{"id": 7, "knowledge_points": []}',
    ].join('\n');
    const pool = new Set(['gsm8k/train/0', 'gsm8k/train/1', 'gsm8k/train/2', 'gsm8k/train/3', '7']);
    const r = importTags(text, taxonomy, pool);
    expect([...r.tags]).toEqual([
      ['gsm8k/train/0', ['arith.add-sub', 'word.multi-step', 'ratio.basic']],
      ['gsm8k/train/1', ['percent.basic']],
      ['7', []],
    ]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'unknown knowledge-point ids "made.up", "also.fake"; none left'],
      [4, 'field "id" is missing or not a string/number'],
      [5, 'field "knowledge_points" must be a list of strings'],
      [6, expect.stringMatching(/^not valid JSON/)],
      [9, 'no problem with id "gsm8k/train/99" in the pool'],
    ]);
    expect(r.warnings).toEqual([
      { line: 2, reason: 'unknown knowledge-point id "made.up" dropped' },
      { line: 8, reason: 'id "gsm8k/train/0" already tagged on line 1; tags merged' },
    ]);
  });

  it('accepts a JSON array and reports an empty file', () => {
    const r = importTags('[{"id": "a", "knowledge_points": ["stats.mean"]}]', taxonomy);
    expect([...r.tags]).toEqual([['a', ['stats.mean']]]);
    expect(r.notes.join(' ')).toMatch(/JSON array/);
    expect(importTags('', taxonomy).skipped).toEqual([{ line: 0, reason: 'the file is empty (no records)' }]);
  });
});

describe('applyTags', () => {
  const pool: Problem[] = [
    { id: 'a', question: 'q', answer: '1', source: 's', knowledge_points: ['fractions.basic'] },
    { id: 'b', question: 'q', answer: '2', source: 's' },
  ];
  const tags = new Map([['a', ['ratio.basic', 'fractions.basic']]]);

  it('replaces or merges, leaving untagged problems and the input untouched', () => {
    expect(applyTags(pool, tags).map((p) => p.knowledge_points)).toEqual([['ratio.basic', 'fractions.basic'], undefined]);
    expect(applyTags(pool, tags, 'merge')[0].knowledge_points).toEqual(['fractions.basic', 'ratio.basic']);
    expect(pool[0].knowledge_points).toEqual(['fractions.basic']);
  });
});
