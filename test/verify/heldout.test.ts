// Agreement with the reference checker, Math-Verify, on its own tests' verdicts (cases/math-verify-heldout.jsonl)
// and on lighteval's (cases/lighteval-heldout.jsonl, Math-Verify's predecessor). No rule test uses these cases;
// this file only measures them, against the bar the verifier must clear: 90% agreement, under 2% false "equal".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, type JudgeMode } from '../../src/verify/index.ts';
import { countVerdict, emptyCounts, score } from '../../src/verify/score.ts';

function measure(name: string) {
  const lines = readFileSync(join(import.meta.dirname, 'cases', name), 'utf8').trim().split('\n');
  const counts = emptyCounts();
  for (const line of lines) {
    const c = JSON.parse(line) as { pred: string; gold: string; expected: boolean; mode?: JudgeMode };
    countVerdict(counts, c.expected, judge(c.pred, c.gold, { mode: c.mode }).equal);
  }
  return score(counts);
}

describe('agreement with Math-Verify', () => {
  it.each(['math-verify-heldout.jsonl', 'lighteval-heldout.jsonl'])('%s: at least 90%, false "equal" under 2%', (name) => {
    const s = measure(name);
    console.log(`${name}: ${s.cases} cases, agreement ${(100 * s.agreement).toFixed(1)}%, false positive rate ${(100 * s.falsePositiveRate).toFixed(1)}%`);
    expect(s.agreement).toBeGreaterThanOrEqual(0.9);
    expect(s.falsePositiveRate).toBeLessThan(0.02);
  });
});
