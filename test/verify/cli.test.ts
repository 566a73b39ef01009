// `sai-dpo verify` run as a child process: one {"equal": ...} line per input line, in order; malformed lines
// reported without breaking the alignment; exit code 0 unless the input cannot be read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sai-dpo-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verifyCli = (args: string[]) => cli(['verify', ...args]);

describe('sai-dpo verify', () => {
  it('prints one verdict per line, in order, and flags malformed lines', async () => {
    const lines = [
      JSON.stringify({ pred: 'So the answer is $\\boxed{\\frac{1}{2}}$.', gold: '0.5' }),
      JSON.stringify({ pred: '1/3', gold: '0.333' }),
      'this is not json',
      JSON.stringify({ pred: 'Natalia sold 72 clips.\n#### 72', gold: 72 }),
      JSON.stringify({ pred: 'x' }),
      '',
      JSON.stringify(['pred', 'gold']),
      JSON.stringify({ pred: '(1,2)', gold: '[1,2]' }),
      JSON.stringify({ pred: 'We get 3 and then 4, total 7', gold: '7' }),
    ];
    const file = join(dir, 'pairs.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const { code, stdout, stderr } = await verifyCli(['--input', file]);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(lines.length);
    expect(out.map((o) => o.equal)).toEqual([true, false, false, true, false, false, false, false, true]);
    expect(out[0]).toEqual({ equal: true });
    expect(out[2].error).toMatch(/^line 3: invalid JSON/);
    expect(out[4].error).toBe('line 5: missing field "gold"');
    expect(out[5].error).toBe('line 6: empty line');
    expect(out[6].error).toMatch(/^line 7: expected a JSON object/);
    expect(stderr).toContain('line 3:');
    expect(stderr).toContain('line 7:');
    expect(stderr).not.toContain('line 1:');
  });

  it('can print the extracted answers and turn the last-number fallback off', async () => {
    const file = join(dir, 'fallback.jsonl');
    writeFileSync(file, JSON.stringify({ pred: 'We get 3 and then 4, total 7', gold: '7' }) + '\n');
    const { stdout } = await verifyCli(['--input', file, '--no-last-number', '--show-extracted']);
    expect(JSON.parse(stdout)).toEqual({ equal: false, extracted: null });
    const withFallback = await verifyCli(['--input', file, '--show-extracted']);
    expect(JSON.parse(withFallback.stdout)).toEqual({ equal: true, extracted: '7' });
  });

  it('reads standard input with --input -', () => {
    const input = [JSON.stringify({ pred: '\\boxed{(1, 2)}', gold: '(1,2)' }), JSON.stringify({ pred: '{1,2}', gold: '{2,1}' })].join('\n');
    const result = spawnSync(process.execPath, [join(root, 'bin/sai-dpo'), 'verify', '--input', '-'], { cwd: root, input, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('{"equal":true}\n{"equal":true}\n');
  });

  it('fails with a clear message when the input cannot be read', async () => {
    const missing = join(dir, 'missing.jsonl');
    const { code, stdout, stderr } = await verifyCli(['--input', missing]);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot read ${missing}`);
  });

  it('requires --input', async () => {
    const { code, stderr } = await verifyCli([]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--input is required');
  });
});
