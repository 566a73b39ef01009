// The commands' shared input reader, option validator and folder writer (no GPU, no child process).
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { optionsHelp, parseCommandLine, UsageError } from '../../../src/cli/args.ts';
import { checkOutputFolder, decodeInputText, firstInvalidUtf8, splitLines, writeFileAtomic, writeFolder } from '../../../src/cli/files.ts';
import { loopOptions, loopSpecs } from '../../../src/cli/train-options.ts';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

describe('decodeInputText', () => {
  it('drops a UTF-8 byte-order mark and keeps the text', () => {
    expect(decodeInputText(bytes([0xef, 0xbb, 0xbf], '{"a":1}\n'), 'f')).toBe('{"a":1}\n');
    expect(decodeInputText(bytes('é ∑ 😀'), 'f')).toBe('é ∑ 😀');
  });

  it('refuses UTF-16 (with or without a byte-order mark), binary and gzip bytes, saying what they are', () => {
    const utf16 = new Uint8Array(Buffer.from('{"pred": "1", "gold": "1"}\n', 'utf16le'));
    expect(() => decodeInputText(bytes([0xff, 0xfe], [...utf16]), 'in.jsonl')).toThrow(/in\.jsonl: the file is UTF-16 text; save it as UTF-8/);
    expect(() => decodeInputText(utf16, 'in.jsonl')).toThrow(/looks like UTF-16 text/);
    expect(() => decodeInputText(bytes('line one\nline two\n', [0x89, 0x50, 0, 0, 0x0d]), 'x.png')).toThrow(/x\.png: the file looks binary \(a NUL byte at line 3\)/);
    expect(() => decodeInputText(new Uint8Array(gzipSync('{}')), 'x.gz')).toThrow(/gzip-compressed/);
  });

  it('names the line of invalid UTF-8 instead of replacing it silently', () => {
    expect(() => decodeInputText(bytes('{"a": 1}\n{"b": "', [0xe9], '"}\n'), 'latin1.jsonl')).toThrow(/latin1\.jsonl: line 2: invalid UTF-8 \(byte 0xe9 at offset 16\)/);
  });

  it('finds the first invalid UTF-8 byte: stray continuations, overlongs, surrogates, truncated sequences', () => {
    expect(firstInvalidUtf8(bytes('ok ∑ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(bytes('a', [0x80]))).toBe(1);
    expect(firstInvalidUtf8(bytes([0xc0, 0xaf]))).toBe(0); // overlong "/"
    expect(firstInvalidUtf8(bytes([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8(bytes('ab', [0xe2, 0x88]))).toBe(2); // cut off
    expect(firstInvalidUtf8(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // past U+10FFFF
  });
});

describe('splitLines', () => {
  it('numbers every line from 1, blank ones included; CRLF ends a line; the final newline opens none', () => {
    expect(splitLines('a\r\n\r\nb\n')).toEqual([{ line: 1, text: 'a' }, { line: 2, text: '' }, { line: 3, text: 'b' }]);
    expect(splitLines('a\n\n')).toEqual([{ line: 1, text: 'a' }, { line: 2, text: '' }]);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('no newline')).toEqual([{ line: 1, text: 'no newline' }]);
  });
});

describe('parseCommandLine', () => {
  const specs = {
    model: { kind: 'string', required: true, help: 'the model' },
    temperature: { kind: 'number', min: 0, default: 0.7, help: 'temperature' },
    'top-p': { kind: 'number', above: 0, max: 1, default: 1, help: 'top-p' },
    n: { kind: 'integer', min: 1, default: 8, help: 'samples' },
    dtype: { kind: 'string', choices: ['f32', 'q8'], default: 'f32', help: 'dtype' },
    stop: { kind: 'list', help: 'stop strings' },
    verbose: { kind: 'flag', help: 'more output' },
  } as const;
  const usageError = (args: string[]) => {
    try {
      parseCommandLine(args, specs);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('fills defaults and converts values', () => {
    expect(parseCommandLine(['--model', 'm', '--n', '3', '--stop', 'a', '--stop', 'b'], specs))
      .toEqual({ model: 'm', temperature: 0.7, 'top-p': 1, n: 3, dtype: 'f32', stop: ['a', 'b'], verbose: false });
  });

  it('reads a negative value as a value and checks its range (not "argument is ambiguous")', () => {
    expect(usageError(['--model', 'm', '--temperature', '-1'])).toBe('--temperature must be a number >= 0, got -1');
    expect(usageError(['--model', 'm', '--temperature', '-.5'])).toBe('--temperature must be a number >= 0, got -.5');
  });

  it('names the option in every error', () => {
    expect(usageError([])).toMatch(/^--model is required/);
    expect(usageError(['--model', 'm', '--n', '1.5'])).toBe('--n must be a whole number, got 1.5');
    expect(usageError(['--model', 'm', '--n', '0'])).toBe('--n must be a whole number >= 1, got 0');
    expect(usageError(['--model', 'm', '--top-p', '0'])).toBe('--top-p must be a number in (0, 1], got 0');
    expect(usageError(['--model', 'm', '--temperature', 'hot'])).toBe('--temperature must be a number, got "hot"');
    expect(usageError(['--model', 'm', '--dtype', 'q2'])).toBe('--dtype must be one of f32, q8, got "q2"');
    expect(usageError(['--model', 'm', '--bogus'])).toMatch(/Unknown option '--bogus'/);
  });

  it('checks the training loop options before anything loads', () => {
    const loop = (...args: string[]) => loopOptions(parseCommandLine(args, loopSpecs(1e-3)));
    expect(loop()).toMatchObject({ lr: 1e-3, batch: 8, microBatch: 8, warmupSteps: 0, weightDecay: 0, maxGradNorm: 1 });
    for (const [args, message] of [
      [['--warmup', '-1'], '--warmup must be a whole number >= 0, got -1'],
      [['--weight-decay', '-1'], '--weight-decay must be a number >= 0, got -1'],
      [['--max-grad-norm', '-1'], '--max-grad-norm must be a number >= 0, got -1'],
      [['--micro-batch', '2.5'], '--micro-batch must be a whole number, got 2.5'],
      [['--batch', '4', '--micro-batch', '5'], '--micro-batch must be <= --batch (4), got 5'],
      [['--lr', '0'], '--lr must be a number > 0, got 0'],
      [['--schedule', 'step'], '--schedule must be one of constant, linear, cosine, got "step"'],
    ] as const) expect(() => loop(...args), args.join(' ')).toThrow(message);
  });

  it('writes --help lines with every default, learning rates included', () => {
    const help = optionsHelp({ ...specs, ...loopSpecs(5e-5) });
    expect(help).toMatch(/--lr X +peak learning rate \(> 0; default 5e-5\)/);
    expect(help).toMatch(/--temperature X +temperature \(>= 0; default 0\.7\)/);
    expect(help).toMatch(/--model VALUE +the model \(required\)/);
    expect(help).toMatch(/--max-grad-norm X .*default 1\)/);
  });
});

describe('writeFolder', () => {
  it('replaces a folder as a whole; a failure part-way leaves the old folder intact and nothing beside it', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'write-folder-'));
    const out = join(parent, 'adapter');
    await writeFolder(out, new Map([['adapter_config.json', bytes('old config')], ['adapter_model.safetensors', bytes('old weights')]]));
    // the second file cannot be written: "adapter_config.json/x" needs a folder where a file was just written
    const failing = new Map([['adapter_config.json', bytes('new config')], ['adapter_config.json/x', bytes('new weights')]]);
    await expect(writeFolder(out, failing)).rejects.toThrow();
    expect(await readFile(join(out, 'adapter_config.json'), 'utf8')).toBe('old config');
    expect(await readFile(join(out, 'adapter_model.safetensors'), 'utf8')).toBe('old weights');
    expect(await readdir(parent)).toEqual(['adapter']);
    // files of the folder that are not rewritten are kept (dpo-grad --out pointing at the adapter loses nothing)
    await writeFolder(out, new Map([['grads.safetensors', bytes('new')], ['adapter_config.json', bytes('new config')]]));
    expect((await readdir(out)).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'grads.safetensors']);
    expect(await readFile(join(out, 'adapter_config.json'), 'utf8')).toBe('new config');
    expect(await readFile(join(out, 'adapter_model.safetensors'), 'utf8')).toBe('old weights');
    expect(await readdir(parent)).toEqual(['adapter']);
    // stale names are dropped: a new model.safetensors must not sit beside an older sharded checkpoint's index
    await writeFolder(out, new Map([['model.safetensors', bytes('model')]]), (name) => name.startsWith('adapter_'));
    expect((await readdir(out)).sort()).toEqual(['grads.safetensors', 'model.safetensors']);
  });

  it('checkOutputFolder refuses a place that cannot be written, before any work', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'check-out-'));
    await writeFile(join(parent, 'file'), 'x');
    await expect(checkOutputFolder(join(parent, 'file'))).rejects.toThrow(/--out .*file: exists and is not a folder/);
    await expect(checkOutputFolder(join(parent, 'file', 'out'))).rejects.toThrow(/--out .*cannot write there \(E[A-Z]+\)/);
    await checkOutputFolder(join(parent, 'new', 'out'));
    expect(await readdir(parent)).toEqual(['file', 'new']);
    expect(await readdir(join(parent, 'new'))).toEqual([]);
  });

  it('writeFileAtomic keeps the old file until the new one is complete', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(parent, 'pool.jsonl');
    await writeFileAtomic(path, 'old\n');
    await writeFileAtomic(path, 'new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect(await readdir(parent)).toEqual(['pool.jsonl']);
  });
});
