// The importer on small hand-written inputs: field mapping by name, every answer shape, and every kind of bad
// input reported per line without losing the good lines.
import { describe, expect, it } from 'vitest';
import { importProblems, resolveFormat } from '../../../src/data/pool/importers.ts';
import { readJsonRecords } from '../../../src/data/pool/jsonl.ts';
import { randomArray } from '../../helpers/gpu.ts';

const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

describe('field mapping by name', () => {
  it.each([
    ['question', 'answer'],
    ['problem', 'answer'],
    ['input', 'final_answer'],
    ['prompt', 'Answer'],
    ['Question', 'final_answer'],
  ])('maps %s / %s and says so', (q, a) => {
    const r = importProblems(jsonl({ [q]: 'What is 2+3?', [a]: '5' }, { [q]: 'What is 1+1?', [a]: 2 }), { source: 'up.jsonl' });
    expect(r.mapping.question).toBe(q);
    expect(r.mapping.answer).toBe(a);
    expect(r.problems.map((p) => [p.id, p.question, p.answer, p.source])).toEqual([
      ['up.jsonl/0', 'What is 2+3?', '5', 'up.jsonl'],
      ['up.jsonl/1', 'What is 1+1?', '2', 'up.jsonl'],
    ]);
    expect(r.answerSources).toEqual({ [`field "${a}"`]: 2 });
    expect(r.format).toBe('jsonl');
  });

  it('prefers question over prompt when both exist, and keeps other scalar fields in meta', () => {
    const r = importProblems(jsonl({ prompt: 'system text', question: 'Q?', answer: '1', year: 2024, contest: 'AIME', extra: { a: 1 } }), { source: 's' });
    expect(r.mapping.question).toBe('question');
    expect(r.extraFields).toEqual(['prompt', 'year', 'contest', 'extra']);
    expect(r.problems[0].meta).toEqual({ prompt: 'system text', year: 2024, contest: 'AIME' });
  });

  it('uses an id field when present (prefixed), else the row index', () => {
    const r = importProblems(jsonl({ id: 'aime-3', problem: 'P', answer: 7 }, { problem: 'Q', answer: 8 }), { source: 'aime' });
    expect(r.problems.map((p) => p.id)).toEqual(['aime/aime-3', 'aime/1']);
    const ignoring = importProblems(jsonl({ id: 'aime-3', problem: 'P', answer: 7 }), { source: 'aime', useIdField: false, idPrefix: 'x/y' });
    expect(ignoring.problems[0].id).toBe('x/y/0');
    expect(ignoring.problems[0].meta).toEqual({ id: 'aime-3' });
  });

  it('takes explicit field names over guesses', () => {
    const r = importProblems(jsonl({ text: 'Q?', gold_value: '4', answer: 'not this' }), { source: 's', fields: { question: 'text', answer: 'gold_value' } });
    expect(r.problems[0]).toMatchObject({ question: 'Q?', answer: '4' });
  });

  it('maps subject, level and tags', () => {
    const r = importProblems(jsonl({ problem: 'P', answer: '1', subject: 'Geometry', level: 'Level 4', tags: ['geometry.circles', ' x '] }), { source: 's' });
    expect(r.problems[0]).toMatchObject({ difficulty_label: 4, meta: { subject: 'Geometry' }, knowledge_points: ['geometry.circles', 'x'] });
  });
});

describe('answers', () => {
  const one = (answer: unknown) => importProblems(jsonl({ question: 'Q', answer }), { source: 's', format: 'jsonl' });

  it('numbers, strings and lists become text', () => {
    expect(one(42).problems[0].answer).toBe('42');
    expect(one(-0.5).problems[0].answer).toBe('-0.5');
    expect(one('  \\frac{1}{3} ').problems[0].answer).toBe('\\frac{1}{3}');
    expect(one([5]).problems[0].answer).toBe('5');
    expect(one([1, '-3']).problems[0].answer).toBe('1, -3');
  });

  it.each([
    [{ value: 3 }, /field "answer" is an object/],
    [null, /no answer: missing field "answer"/],
    ['', /field "answer" is an empty string/],
    [[], /field "answer" is an empty list/],
    [[1, { a: 2 }], /field "answer"\[1\] is an object/],
    [true, /field "answer" is a boolean/],
    ['\\frac{1}{3', /field "answer" has unbalanced braces \(1 "\{" never closed\)/],
    ['x}', /field "answer" has unbalanced braces \(a "\}" closes nothing\)/],
  ])('reports %j as unusable', (answer, reason) => {
    const r = one(answer);
    expect(r.problems).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].line).toBe(1);
    expect(r.skipped[0].reason).toMatch(reason);
  });

  it('splits a GSM8K "#### n" tail off as the solution, dropping thousands separators', () => {
    const r = importProblems(jsonl({ question: 'Q', answer: 'Work: 1000+450=<<1000+450=1450>>1450\n#### 1,450' }), { source: 'g' });
    expect(r.format).toBe('gsm8k');
    expect(r.problems[0]).toMatchObject({ answer: '1450', solution: 'Work: 1000+450=<<1000+450=1450>>1450' });
  });

  it('takes the last \\boxed{} of a solution when there is no answer field', () => {
    const r = importProblems(jsonl({ problem: 'P', solution: 'First $\\boxed{1}$, then $\\boxed{\\frac{2}{3}}$.' }), { source: 'm' });
    expect(r.format).toBe('math');
    expect(r.problems[0].answer).toBe('\\frac{2}{3}');
    expect(r.answerSources).toEqual({ 'last \\boxed{} of "solution"': 1 });
  });

  it('reports solutions whose \\boxed{} is missing, empty or unclosed', () => {
    const r = importProblems(
      jsonl(
        { problem: 'P1', solution: 'no box here' },
        { problem: 'P2', solution: 'so $\\boxed{}$' },
        { problem: 'P3', solution: 'so $\\boxed{\\frac{1}{2}$' },
        { problem: 'P4', solution: 'so $\\boxed{4}$' },
      ),
      { source: 'm' },
    );
    expect(r.problems.map((p) => p.answer)).toEqual(['4']);
    expect(r.skipped).toEqual([
      { line: 1, reason: 'field "solution" has no \\boxed{} answer' },
      { line: 2, reason: 'field "solution": the last \\boxed{} is empty' },
      { line: 3, reason: 'field "solution": the last \\boxed{} is not closed (unbalanced braces)' },
    ]);
  });

  it('--format gsm8k insists on the "####" line', () => {
    const r = importProblems(jsonl({ question: 'Q', answer: '12' }), { source: 'g', format: 'gsm8k' });
    expect(r.skipped[0].reason).toBe('field "answer" has no "#### <answer>" line (GSM8K format)');
  });
});

describe('bad input never throws and never loses the good lines', () => {
  it('lines with missing or wrong-typed fields are reported with their reasons', () => {
    const r = importProblems(
      jsonl(
        { question: 'good 1', answer: '1' },
        { answer: '2' },
        { question: 7, answer: '3' },
        { question: '   ', answer: '4' },
        { question: 'no answer' },
        'not json',
        { question: 'good 2', answer: '5' },
      ),
      { source: 's' },
    );
    expect(r.problems.map((p) => [p.id, p.question])).toEqual([
      ['s/0', 'good 1'],
      ['s/6', 'good 2'],
    ]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'missing field "question" (the question)'],
      [3, 'field "question" is a number, expected the question as text'],
      [4, 'field "question" (the question) is empty'],
      [5, 'no answer: missing field "answer", and no solution with a "#### n" line or a \\boxed{} to take it from'],
      [6, expect.stringMatching(/^not valid JSON/)],
    ]);
    expect(r.counts).toEqual({ records: 7, loaded: 2, skipped: 5, warnings: 0 });
  });

  it('a question with unbalanced LaTeX braces loads with a warning naming its line', () => {
    const r = importProblems(jsonl({ question: 'ok', answer: '1' }, { question: 'Find $\\frac{1}{2$.', answer: '2' }), { source: 's' });
    expect(r.problems).toHaveLength(2);
    expect(r.warnings).toEqual([{ line: 2, reason: 'question has unbalanced braces (1 "{" never closed); kept as given' }]);
  });

  it('duplicate ids keep the first and report the later line', () => {
    const r = importProblems(jsonl({ id: 1, question: 'a', answer: '1' }, { id: 1, question: 'b', answer: '2' }), { source: 's' });
    expect(r.problems.map((p) => p.question)).toEqual(['a']);
    expect(r.skipped).toEqual([{ line: 2, reason: 'duplicate id "s/1" (first used on line 1)' }]);
  });

  it('a JSON array loads like JSONL and says so', () => {
    const r = importProblems(JSON.stringify([{ question: 'a', answer: 1 }, { question: 'b', answer: { x: 1 } }], null, 2), { source: 's' });
    expect(r.layout).toBe('json-array');
    expect(r.problems.map((p) => p.answer)).toEqual(['1']);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(/is an object/);
    expect(r.notes.join(' ')).toMatch(/JSON array/);
  });

  it('an empty file and a binary file give one file-level report and no problems', () => {
    for (const text of ['', '\u0000\u0001\u0002PK\u0003\u0004']) {
      const r = importProblems(text, { source: 's' });
      expect(r.problems).toEqual([]);
      expect(r.skipped).toHaveLength(1);
      expect(r.skipped[0].line).toBe(0);
      expect(r.counts.records).toBe(0);
    }
  });

  it('a file whose fields cannot be mapped says which fields it saw', () => {
    const r = importProblems(jsonl({ foo: 'a', bar: 1 }), { source: 's' });
    expect(r.problems).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/no field could be mapped to the question; fields seen: foo, bar/);
  });

  it('seeded random garbage (bytes, truncated lines, shuffled JSON) never throws', () => {
    const good = jsonl({ question: 'What is 1+1?', answer: 2 }, { problem: 'P', solution: '$\\boxed{3}$' }, { input: 'I', final_answer: ['a', 'b'] });
    for (let seed = 1; seed <= 40; seed++) {
      const noise = randomArray(400, seed, 0, 1);
      const chars = Array.from(noise, (u, i) => (u < 0.3 ? good[Math.floor(u * good.length * 3) % good.length] : u < 0.35 ? '\n' : u < 0.4 ? '{' : u < 0.45 ? '}' : u < 0.5 ? '"' : good[i % good.length]));
      const text = good + chars.join('');
      const r = importProblems(text, { source: 'fuzz' });
      expect(r.problems.length).toBeGreaterThanOrEqual(1);
      for (const p of r.problems) {
        expect(typeof p.question).toBe('string');
        expect(p.answer.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('format detection', () => {
  const detect = (text: string) => resolveFormat('auto', readJsonRecords(text).records);
  it('recognizes GSM8K, MATH and generic JSONL', () => {
    expect(detect(jsonl({ question: 'q', answer: 'x\n#### 3' }))).toBe('gsm8k');
    expect(detect(jsonl({ problem: 'p', solution: '\\boxed{1}', type: 'Algebra' }))).toBe('math');
    expect(detect(jsonl({ question: 'q', answer: '3' }))).toBe('jsonl');
    expect(detect('')).toBe('jsonl');
  });
});
