// The labelled case files of test/verify/cases/ (src/verify/README.md reports their scores):
//   rules.jsonl      one or more cases for every rule of the verifier, written with the rules: all must hold;
//   from-data.jsonl  whole responses built from the bundled data's solutions (build-from-data.ts): precision and
//                    recall must stay at the reported level, and the file must be what the builder makes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, type JudgeMode } from '../../src/verify/index.ts';
import { countVerdict, emptyCounts, score } from '../../src/verify/score.ts';
import { FROM_DATA_FILE, buildFromData } from './cases/build-from-data.ts';

interface LabelledCase {
  pred: string;
  gold: string;
  expected: boolean;
  mode?: JudgeMode;
  choices?: string[];
  rule?: string;
  source?: string;
}

function load(file: string): LabelledCase[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const judged = (c: LabelledCase) => judge(c.pred, c.gold, { mode: c.mode, choices: c.choices }).equal;

describe('rules.jsonl', () => {
  const cases = load(join(import.meta.dirname, 'cases/rules.jsonl'));

  it('has at least 200 cases, a third of them not equal', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => !c.expected).length / cases.length).toBeGreaterThan(1 / 3);
  });

  it.each(cases.map((c, i) => [i + 1, c.rule, c] as const))('line %i (%s)', (_line, _rule, c) => {
    expect(judged(c)).toBe(c.expected);
  });
});

describe('from-data.jsonl', () => {
  it('is what build-from-data.ts makes from public/data', () => {
    expect(readFileSync(FROM_DATA_FILE, 'utf8')).toBe(buildFromData());
  });

  it('keeps precision 1 and recall above 0.99 on whole responses', () => {
    const cases = load(FROM_DATA_FILE);
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(cases.filter((c) => !c.expected).length / cases.length).toBeGreaterThan(1 / 3);
    const counts = emptyCounts();
    for (const c of cases) countVerdict(counts, c.expected, judged(c));
    const s = score(counts);
    expect(s.falsePositive).toBe(0);
    expect(s.recall).toBeGreaterThan(0.99);
  });
});
