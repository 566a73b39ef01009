// Reading JSONL text into records: every bad line is reported with its number and reason, the rest still load.
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, readJsonRecords } from '../../../src/data/pool/jsonl.ts';

describe('readJsonRecords', () => {
  it('reads one object per line with 1-based line numbers, skipping blank lines but not counting them as records', () => {
    const r = readJsonRecords('{"a":1}\n\n{"a":2}\r\n   \n{"a":3}\n');
    expect(r.layout).toBe('jsonl');
    expect(r.records.map((x) => [x.line, x.index, x.value.a])).toEqual([
      [1, 0, 1],
      [3, 1, 2],
      [5, 2, 3],
    ]);
    expect(r.skipped).toEqual([]);
  });

  it('strips a UTF-8 byte-order mark', () => {
    expect(readJsonRecords('\ufeff{"a":1}\n').records).toHaveLength(1);
  });

  it('reports an empty or whitespace-only file as a file-level problem', () => {
    for (const text of ['', '  \n\n\t\n']) {
      const r = readJsonRecords(text);
      expect(r.layout).toBe('empty');
      expect(r.records).toEqual([]);
      expect(r.skipped).toEqual([{ line: 0, reason: 'the file is empty (no records)' }]);
    }
  });

  it('recognizes binary input (NUL bytes, undecodable bytes) instead of reporting thousands of bad lines', () => {
    const gzipAsText = new TextDecoder().decode(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3, 0xcb, 0x48, 0xcd, 0xc9]));
    const r = readJsonRecords(gzipAsText);
    expect(r.layout).toBe('binary');
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].line).toBe(0);
    expect(r.skipped[0].reason).toMatch(/looks binary/);
    const noisy = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(i % 7 === 0 ? 0x03 : 65 + (i % 26))).join('');
    expect(readJsonRecords(noisy).layout).toBe('binary');
  });

  it('reads text that is not valid UTF-8 (e.g. Latin-1) and says how many characters were lost', () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('{"question":"Combien font 2 et 2 ? D'), 0xe9, ...new TextEncoder().encode('duire.","answer":4}\n')]);
    const r = readJsonRecords(new TextDecoder().decode(latin1));
    expect(r.records).toHaveLength(1);
    expect(r.notes).toEqual(['1 characters were not valid UTF-8 and read as "\ufffd"; save the file as UTF-8 to keep them']);
  });

  it('reports lines that are not JSON objects, naming what they are, and keeps the others', () => {
    const r = readJsonRecords(['{"ok":1}', '{"broken":', '42', '"text"', '[1,2]', 'null', '{"ok":2}'].join('\n'));
    expect(r.records.map((x) => x.line)).toEqual([1, 7]);
    expect(r.records.map((x) => x.index)).toEqual([0, 6]);
    expect(r.skipped.map((s) => s.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.skipped[0].reason).toMatch(/^not valid JSON/);
    expect(r.skipped[1].reason).toBe('expected a JSON object, got number');
    expect(r.skipped[2].reason).toBe('expected a JSON object, got string');
    expect(r.skipped[3].reason).toBe('expected a JSON object, got an array');
    expect(r.skipped[4].reason).toBe('expected a JSON object, got null');
  });

  it('reports a gigantic line (over 1 MB) without parsing it, and keeps its neighbours', () => {
    const huge = `{"question":"${'x'.repeat(MAX_LINE_CHARS + 10)}","answer":"1"}`;
    const r = readJsonRecords(`{"a":1}\n${huge}\n{"a":2}\n`);
    expect(r.records.map((x) => x.line)).toEqual([1, 3]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatchObject({ line: 2 });
    expect(r.skipped[0].reason).toMatch(/line is 1\.0 MB long, over the 1\.0 MB limit/);
  });

  it('accepts a JSON array, says so, and reports bad elements by the line where they start', () => {
    const text = '[\n  {"q": "a"},\n  {"q": "b,]"},\n  7,\n  {"q": "[c]", "n": {"x": [1, 2]}}\n]\n';
    const r = readJsonRecords(text);
    expect(r.layout).toBe('json-array');
    expect(r.notes[0]).toMatch(/read as a JSON array of 4 elements/);
    expect(r.records.map((x) => [x.line, x.index, x.value.q])).toEqual([
      [2, 0, 'a'],
      [3, 1, 'b,]'],
      [5, 3, '[c]'],
    ]);
    expect(r.skipped).toEqual([{ line: 4, reason: 'element 2: expected a JSON object, got number' }]);
  });

  it('one broken element of a JSON array does not lose the others', () => {
    const r = readJsonRecords('[{"q": "a"}, {"q": tru}, {"q": "c"}]');
    expect(r.layout).toBe('json-array');
    expect(r.records.map((x) => x.value.q)).toEqual(['a', 'c']);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(/^element 1: not valid JSON/);
  });

  it('reads JSONL whose first line happens to be an array line by line', () => {
    const r = readJsonRecords('[1]\n{"a":1}\n');
    expect(r.layout).toBe('jsonl');
    expect(r.records).toHaveLength(1);
    expect(r.skipped).toEqual([{ line: 1, reason: 'expected a JSON object, got an array' }]);
  });

  it('reads one pretty-printed JSON object as a record, and a wrapped list ({"data": [...]}) as its records', () => {
    const one = readJsonRecords('{\n  "question": "q",\n  "answer": "1"\n}\n');
    expect(one.records.map((x) => x.value)).toEqual([{ question: 'q', answer: '1' }]);
    expect(one.notes.join(' ')).toMatch(/one pretty-printed JSON object/);
    const wrapped = readJsonRecords('{\n  "version": 2,\n  "data": [\n    {"q": "a"},\n    {"q": "b"}\n  ]\n}\n');
    expect(wrapped.records.map((x) => [x.index, x.value.q])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect(wrapped.notes.join(' ')).toMatch(/the 2 objects of the "data" list/);
  });

  it('points at pretty-printed JSON when nothing parses at all', () => {
    const r = readJsonRecords('{\n  "question": "q",\n  "answer": \n}\n');
    expect(r.records).toEqual([]);
    expect(r.skipped.length).toBeGreaterThan(1);
    expect(r.notes.join(' ')).toMatch(/pretty-printed JSON rather than JSONL/);
  });
});
