// `sai-dpo verify` run as a child process: one {"equal", "pred_answer", "gold_answer"} line per input line, in
// order; bad lines reported in place by their 1-based number (exit code 1); --score on labelled lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, jsonLines, ROOT } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'sai-dpo-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verifyCli = (args: string[]) => cli(['verify', ...args]);

function writeLines(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('sai-dpo verify', () => {
  it('prints the verdict and both extracted answers per line, in order, and flags bad lines', async () => {
    const lines = [
      JSON.stringify({ pred: '<think>maybe 3?</think>\nSo the answer is $\\boxed{\\frac{1}{2}}$.', gold: '0.5' }),
      JSON.stringify({ pred: '1/3', gold: '0.333' }),
      'this is not json',
      JSON.stringify({ pred: 'Natalia sold 72 clips.\n#### 72', gold: 72 }),
      JSON.stringify({ pred: 'x' }),
      '',
      JSON.stringify(['pred', 'gold']),
      JSON.stringify({ pred: '(1,2)', gold: '[1,2]' }),
      JSON.stringify({ pred: 'We get 3 and then 4, total 7', gold: '7' }),
      JSON.stringify({ pred: 'We get 3 and then 4, total 7', gold: '7', mode: 'strict' }),
      JSON.stringify({ pred: '7', gold: '7', mode: 'exact' }),
      JSON.stringify({ pred: 'The answer is (C).', gold: '12', choices: ['10', '11', '12'] }),
      JSON.stringify({ pred: 'Thus $x = \\boxed{2}$.', gold: 'Solving, $x = \\boxed{2}$.' }),
    ];
    const { code, stdout, stderr } = await verifyCli(['--input', writeLines('pairs.jsonl', lines)]);
    expect(code).toBe(1); // some lines were bad
    expect(stderr).toBe('');
    const out = jsonLines(stdout);
    expect(out).toHaveLength(lines.length);
    expect(out[0]).toEqual({ equal: true, pred_answer: '\\frac{1}{2}', gold_answer: '0.5' });
    expect(out[1]).toEqual({ equal: false, pred_answer: '1/3', gold_answer: '0.333' });
    expect(out[2].error).toMatch(/^line 3: /);
    expect(out[3]).toEqual({ equal: true, pred_answer: '72', gold_answer: '72' });
    expect(out[4]).toEqual({ error: 'line 5: missing field "gold"' });
    expect(out[5]).toEqual({ error: 'line 6: empty line' });
    expect(out[6].error).toMatch(/^line 7: /);
    expect(out[7]).toEqual({ equal: false, pred_answer: '(1,2)', gold_answer: '[1,2]' });
    expect(out[8]).toEqual({ equal: true, pred_answer: '7', gold_answer: '7' });
    expect(out[9]).toEqual({ equal: false, pred_answer: null, gold_answer: '7' });
    expect(out[10].error).toBe('line 11: field "mode" must be "strict" or "lenient", got "exact"');
    expect(out[11]).toEqual({ equal: true, pred_answer: '(C)', gold_answer: '12' });
    expect(out[12]).toEqual({ equal: true, pred_answer: '2', gold_answer: '2' });
  });

  it('applies --mode and --no-last-number to lines without their own mode', async () => {
    const file = writeLines('fallback.jsonl', [JSON.stringify({ pred: 'We get 3 and then 4, total 7', gold: '7' }), JSON.stringify({ pred: 'It is 2.6667', gold: '8/3' })]);
    const strict = jsonLines((await verifyCli(['--input', file, '--mode', 'strict'])).stdout);
    expect(strict.map((o) => o.equal)).toEqual([false, false]);
    const lenient = jsonLines((await verifyCli(['--input', file])).stdout);
    expect(lenient.map((o) => o.equal)).toEqual([true, true]);
    const noFallback = jsonLines((await verifyCli(['--input', file, '--no-last-number'])).stdout);
    expect(noFallback[0]).toEqual({ equal: false, pred_answer: null, gold_answer: '7' });
  });

  it('scores labelled lines with --score', async () => {
    const file = writeLines('labelled.jsonl', [
      JSON.stringify({ pred: '\\boxed{5}', gold: '5', expected: true }),
      JSON.stringify({ pred: '\\boxed{6}', gold: '5', expected: false }),
      JSON.stringify({ pred: '\\boxed{2800}', gold: '28', expected: true }), // a wrong label: reported on stderr
      JSON.stringify({ pred: '\\boxed{1/3}', gold: '0.333', expected: false }),
    ]);
    const { code, stdout, stderr } = await verifyCli(['--input', file, '--score']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      cases: 4, agreement: 0.75, precision: 1, recall: 0.5, false_positive_rate: 0,
      true_positive: 1, false_positive: 0, false_negative: 1, true_negative: 2,
    });
    expect(stderr).toBe('line 3: expected equal, judged not equal (pred_answer "2800", gold_answer "28")\n');
    const unlabelled = await verifyCli(['--input', writeLines('unlabelled.jsonl', [JSON.stringify({ pred: '5', gold: '5' })]), '--score']);
    expect(unlabelled.code).toBe(1);
    expect(unlabelled.stdout).toContain('line 1: field \\"expected\\" must be true or false with --score');
  });

  it('reads standard input with --input -', () => {
    const input = [JSON.stringify({ pred: '\\boxed{(1, 2)}', gold: '(1,2)' }), JSON.stringify({ pred: '{1,2}', gold: '\\{2,1\\}' })].join('\n');
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/sai-dpo'), 'verify', '--input', '-'], { cwd: ROOT, input, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('{"equal":true,"pred_answer":"(1, 2)","gold_answer":"(1,2)"}\n{"equal":true,"pred_answer":"{1,2}","gold_answer":"\\\\{2,1\\\\}"}\n');
  });

  it('fails with a clear message when the input cannot be read', async () => {
    const missing = join(dir, 'missing.jsonl');
    const { code, stdout, stderr } = await verifyCli(['--input', missing]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot read input file ${missing}`);
  });

  it('requires --input and a known mode', async () => {
    const missing = await verifyCli([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--input is required');
    const badMode = await verifyCli(['--input', 'x.jsonl', '--mode', 'loose']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('--mode must be one of strict, lenient');
  });
});
