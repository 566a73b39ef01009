// Every command with bad input, as a user would run it: nothing lost, one output line per input line,
// one exit-code rule (0 done, 1 failed or bad lines, 2 bad command line), 1-based line numbers.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.ts';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadModel } from '../../../src/engine/model/index.ts';
import { cli, jsonLines, ROOT } from '../../helpers/cli.ts';
import { testRuntime } from '../../helpers/gpu.ts';

const FIXTURE = join(ROOT, 'test/fixtures/torch-reference/qwen2-fixture-f32');
const temp = (name: string) => mkdtemp(join(tmpdir(), `${name}-`));

describe('sai-dpo import with input that does not load', () => {
  it('leaves an existing --out file as it was and creates no empty file', async () => {
    const dir = await temp('import-keep');
    const pool = join(dir, 'pool.jsonl');
    await writeFile(pool, '{"id": "kept/0", "question": "1+1?", "answer": "2"}\n');
    await writeFile(join(dir, 'empty.jsonl'), '');
    await writeFile(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await writeFile(join(dir, 'utf16.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"question": "1+1?", "answer": "2"}\n', 'utf16le')]));
    for (const [file, reason] of [['empty.jsonl', /the file is empty/], ['image.png', /looks binary/], ['utf16.jsonl', /UTF-16/]] as const) {
      const r = await cli(['import', '--input', join(dir, file), '--out', pool]);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/no problem could be loaded/);
      expect(await readFile(pool, 'utf8')).toBe('{"id": "kept/0", "question": "1+1?", "answer": "2"}\n');
    }
    const fresh = join(dir, 'fresh.jsonl');
    expect((await cli(['import', '--input', join(dir, 'empty.jsonl'), '--out', fresh])).code).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['empty.jsonl', 'image.png', 'pool.jsonl', 'utf16.jsonl']);
  });
});

describe('sai-dpo logprobs, line for line', () => {
  it('prints one line per input line: blank and bad lines become errors in place, numbered from 1; a BOM is fine', async () => {
    const dir = await temp('lp-lines');
    const input = join(dir, 'in.jsonl');
    const good = '{"prompt_ids":[4,19],"response_ids":[41,7]}';
    await writeFile(input, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([good, '', good, '   ', '[1]', good].join('\r\n') + '\r\n')]));
    const r = await cli(['logprobs', '--model', FIXTURE, '--input', input, '--device', 'cpu']);
    expect(r.code).toBe(1);
    const out = jsonLines(r.stdout);
    expect(out.map((o) => ('error' in o ? o.error : 'ok'))).toEqual(['ok', 'line 2: empty line', 'ok', 'line 4: empty line', 'line 5: expected a JSON object', 'ok']);
    expect(out[0]).toEqual(out[2]);
  });

  it('refuses invalid UTF-8 and binary input with the line, before loading the model', async () => {
    const dir = await temp('lp-bytes');
    const latin1 = join(dir, 'latin1.jsonl');
    await writeFile(latin1, Buffer.concat([Buffer.from('{"prompt":"a","response":"b"}\n{"prompt":"caf'), Buffer.from([0xe9]), Buffer.from('","response":"b"}\n')]));
    const r = await cli(['logprobs', '--model', join(dir, 'no-model'), '--input', latin1]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/latin1\.jsonl: line 2: invalid UTF-8/);
    expect(r.stdout).toBe('');
  });

  it('applies --dtype and the context check on the CPU too', async () => {
    const dir = await temp('lp-cpu');
    const input = join(dir, 'in.jsonl');
    const long = JSON.stringify({ prompt_ids: new Array(300).fill(4), response_ids: new Array(300).fill(5) });
    await writeFile(input, ['{"prompt_ids":[4,19,20,21],"response_ids":[41,7,8,9]}', long].join('\n') + '\n');
    const r = await cli(['logprobs', '--model', FIXTURE, '--input', input, '--device', 'cpu', '--dtype', 'q4']);
    expect(r.code).toBe(1);
    const [first, second] = jsonLines(r.stdout);
    expect(second.error).toMatch(/^line 2: prompt \+ response is 600 tokens, longer than the model's 512 positions/);
    // the same dequantized weights on both devices, and not the f32 numbers
    const item = [{ promptIds: [4, 19, 20, 21], responseIds: [41, 7, 8, 9] }];
    const score = async (device: 'cpu' | 'gpu', dtype: 'f32' | 'q4') => {
      const model = await loadModel(nodeSource(FIXTURE), { device, dtype, runtime: device === 'gpu' ? await testRuntime() : undefined });
      const [{ logprob }] = await model.logprobs(item);
      model.dispose();
      return logprob;
    };
    const [f32, q4gpu] = [await score('cpu', 'f32'), await score('gpu', 'q4')];
    expect(first.logprob).toBeCloseTo(await score('cpu', 'q4'), 5);
    expect(Math.abs((first.logprob as number) - q4gpu) / Math.abs(q4gpu)).toBeLessThan(1e-5);
    expect(Math.abs((first.logprob as number) - f32) / Math.abs(f32)).toBeGreaterThan(1e-4);
  });
});

describe('a GPU command prints only its own messages', () => {
  it('stderr is empty when nothing went wrong (no Dawn limit warnings); exit codes pass through', async () => {
    const r = await cli(['logprobs', '--model', FIXTURE, '--input', join(FIXTURE, 'logprob_inputs.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)).toHaveLength(6);
    expect((await cli(['generate', '--model', FIXTURE])).code).toBe(2);
  });
});

describe('options are checked before anything is read or loaded', () => {
  it('exits 2 naming the option as the user typed it', async () => {
    for (const [args, message] of [
      [['generate', '--model', FIXTURE, '--prompt', 'x', '--temperature', '-1'], /--temperature must be a number >= 0, got -1/],
      [['logprobs', '--model', FIXTURE], /--input is required/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/ambiguous|Error:|at /);
    }
  });

  it('every command checks its values before reading or loading anything', async () => {
    const cases: [string, string[], string][] = [
      ['generate', ['--model', FIXTURE, '--prompt', 'x', '--top-p', '2'], '--top-p must be a number in (0, 1], got 2'],
      ['dpo-train', ['--model', FIXTURE, '--pairs', 'p', '--out', 'o', '--beta', '0'], '--beta must be a number > 0, got 0'],
      ['dpo-train', ['--model', FIXTURE, '--pairs', 'p', '--out', 'o', '--label-smoothing', '0.7'], '--label-smoothing must be a number in [0, 0.5), got 0.7'],
      ['dpo-train', ['--model', FIXTURE, '--pairs', 'p', '--out', 'o', '--alpha', '0'], '--alpha must be a number > 0, got 0'],
      ['dpo-train', ['--model', FIXTURE, '--pairs', 'p', '--out', 'o', '--targets', 'q_proj,qk_proj'], '--targets: unknown LoRA target "qk_proj"'],
      ['dpo-grad', ['--model', FIXTURE, '--adapter', 'a', '--pairs', 'p', '--out', 'o', '--micro-batch', '0'], '--micro-batch must be a whole number >= 1, got 0'],
      ['sft', ['--model', FIXTURE, '--data', 'd', '--out', 'o', '--batch', '2', '--micro-batch', '3'], '--micro-batch must be <= --batch (2), got 3'],
      ['sft', ['--model', FIXTURE, '--data', 'd', '--out', 'o', '--warmup', '-1'], '--warmup must be a whole number >= 0, got -1'],
      ['sft', ['--model', FIXTURE, '--data', 'd', '--out', 'o', '--max-grad-norm', '-1'], '--max-grad-norm must be a number >= 0, got -1'],
      ['import', ['--input', 'x', '--out', 'y', '--max-reports', '-2'], '--max-reports must be a whole number >= 0, got -2'],
    ];
    for (const [name, args, message] of cases) {
      const command = await import(`../../../src/cli/commands/${name}.ts`) as { run(args: string[]): Promise<number> };
      const error = await command.run(args).then(() => null, (e: unknown) => e);
      expect(error, `${name} ${args.join(' ')}`).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(message);
    }
  });

  it('a training command whose --out cannot be written fails before the first step', async () => {
    const dir = await temp('sft-out');
    await writeFile(join(dir, 'a-file'), 'x');
    const r = await cli(['sft', '--model', FIXTURE, '--data', join(dir, 'missing.jsonl'), '--out', join(dir, 'a-file', 'model')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out .*a-file\/model: cannot write there/);
    expect(r.stdout).toBe('');
  });

  it('--help shows every default; --version; help CMD', async () => {
    const help = await cli(['help', 'dpo-train']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--lr X +peak learning rate \(> 0; default 5e-5\)/);
    expect(help.stdout).toMatch(/--beta X +DPO beta \(> 0; default 0\.1\)/);
    expect((await import('../../../src/cli/commands/sft.ts')).usage).toMatch(/--lr X +peak learning rate \(> 0; default 0\.001\)/);
    const version = await cli(['--version']);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(version).toMatchObject({ code: 0, stdout: `sai-dpo ${pkg.version}\n` });
    expect((await cli(['--help'])).stdout).toMatch(/exit codes: 0 done/);
  });
});
