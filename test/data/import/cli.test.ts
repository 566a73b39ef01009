// `sai-dpo import` as a child process: the pool file, the JSON summary on stdout, the report on stderr, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sai-dpo-import-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/sai-dpo'), 'import', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readPool = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('sai-dpo import', () => {
  it('imports GSM8K train (the bundled .jsonl.gz): 7473 problems in input order, row 0 answers 72', () => {
    const out = join(dir, 'gsm8k.jsonl');
    const r = cli('--input', join(ROOT, 'public/data/gsm8k/train.jsonl.gz'), '--out', out, '--source', 'gsm8k', '--id-prefix', 'gsm8k/train');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim());
    expect(summary).toMatchObject({ format: 'gsm8k', counts: { records: 7473, loaded: 7473, skipped: 0 }, mapped: { question: 'question', answer: 'answer' } });
    const pool = readPool(out);
    expect(pool).toHaveLength(7473);
    expect(pool[0]).toMatchObject({ id: 'gsm8k/train/0', answer: '72', source: 'gsm8k' });
    expect(pool[0].question).toMatch(/^Natalia sold clips/);
    expect(r.stderr).toMatch(/loaded 7473 of 7473 records/);
  });

  it('imports a messy upload (JSON array, gzip, bad elements), reporting each bad element with its line', () => {
    const input = join(dir, 'upload.json.gz');
    const text = JSON.stringify(
      [
        { problem: 'What is 2+2?', final_answer: 4 },
        { problem: 'Broken answer', final_answer: { value: 1 } },
        { final_answer: '3' },
        { problem: 'Roots of x^2-1?', final_answer: [1, -1] },
      ],
      null,
      1,
    );
    writeFileSync(input, gzipSync(text));
    const out = join(dir, 'upload-pool.jsonl');
    const r = cli('--input', input, '--out', out);
    expect(r.code, r.stderr).toBe(1); // loaded, but some elements were skipped
    const summary = JSON.parse(r.stdout.trim());
    expect(summary.layout).toBe('json-array');
    expect(summary.counts).toEqual({ records: 4, loaded: 2, skipped: 2, warnings: 0 });
    expect(summary.mapped).toMatchObject({ question: 'problem', answer: 'final_answer' });
    expect(summary.skipped.map((s: { line: number }) => s.line)).toEqual([6, 12]);
    expect(readPool(out).map((p) => [p.id, p.answer])).toEqual([
      ['upload/0', '4'],
      ['upload/3', '1, -1'],
    ]);
    expect(r.stderr).toMatch(/skipped line 6: field "final_answer" is an object/);
    expect(r.stderr).toMatch(/skipped line 12: missing field "problem"/);
  });

  it('exits 1 with a clear report for an empty or binary file, and writes no pool', () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const binary = join(dir, 'image.png');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    for (const [input, reason] of [
      [empty, /the file is empty/],
      [binary, /looks binary/],
    ] as const) {
      const out = join(dir, 'none.jsonl');
      const r = cli('--input', input, '--out', out);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/no problem could be loaded/);
      expect(() => readFileSync(out, 'utf8')).toThrow(/ENOENT/);
    }
  });

  it('exports a bundled set by name', () => {
    const out = join(dir, 'math500.jsonl');
    const r = cli('--bundled', 'math500/test', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const pool = readPool(out);
    expect(pool).toHaveLength(500);
    expect(pool[499]).toMatchObject({ id: 'math500/test/499', answer: '106^\\circ', difficulty_label: 4 });
  });

  it('explains bad options', () => {
    expect(cli('--out', join(dir, 'x.jsonl'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/give exactly one of --input FILE or --bundled NAME/) });
    expect(cli('--input', join(dir, 'missing.jsonl'), '--out', join(dir, 'x.jsonl'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/missing\.jsonl: no such file/) });
    expect(cli('--input', join(dir, 'empty.jsonl'), '--out', join(dir, 'x.jsonl'), '--format', 'csv')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format must be one of auto, gsm8k, math, jsonl/) });
    expect(cli('--input', join(dir, 'empty.jsonl'), '--out', join(dir, 'x.jsonl'), '--fields', 'questn=q')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--fields: unknown role "questn"/) });
  });
});
