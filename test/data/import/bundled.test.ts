// The bundled sets in public/data/: counts, stable ids, and answers checked against the upstream files.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SETS, loadBundledSet, type BundledSetName } from '../../../src/data/pool/bundled.ts';
import { gunzipText, gunzipWithStream, gunzipWithZlib } from '../../../src/data/pool/gzip.ts';
import type { ImportResult } from '../../../src/data/pool/importers.ts';

const PUBLIC = new URL('../../../public/data/', import.meta.url);
/** The raw rows of a bundled file (the upstream JSONL, byte for byte), parsed without the importer. */
const rawRows = async (file: string) =>
  (await gunzipText(new Uint8Array(readFileSync(new URL(`${file}.gz`, PUBLIC)))))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const loaded = new Map<BundledSetName, ImportResult>();
beforeAll(async () => {
  for (const name of Object.keys(BUNDLED_SETS) as BundledSetName[]) loaded.set(name, await loadBundledSet(name));
});
const set = (name: BundledSetName) => loaded.get(name)!;

describe('bundled sets', () => {
  it('load with their upstream row counts', () => {
    const counts = Object.fromEntries([...loaded].map(([name, r]) => [name, [r.counts.records, r.counts.loaded]]));
    console.log('bundled sets [records, loaded]:', JSON.stringify(counts));
    expect(counts).toEqual({
      'gsm8k/train': [7473, 7473],
      'gsm8k/test': [1319, 1319],
      'math/train': [7500, 7498],
      'math/test': [5000, 5000],
      'math500/test': [500, 500],
    });
    for (const [name, r] of loaded) expect(r.counts.records, name).toBe(BUNDLED_SETS[name].rows);
  });

  it('report the two MATH train rows whose \\boxed{} is empty, by line', () => {
    expect(set('math/train').skipped).toEqual([
      { line: 5530, reason: 'field "solution": the last \\boxed{} is empty' },
      { line: 5532, reason: 'field "solution": the last \\boxed{} is empty' },
    ]);
    expect(set('math/train').problems.find((p) => p.meta?.source_file === 'train/number_theory/7115.json')).toBeUndefined();
  });

  it('keep ids stable: <set>/<split>/<row index>, unique, in input order', () => {
    expect(set('gsm8k/train').problems[0].id).toBe('gsm8k/train/0');
    expect(set('gsm8k/train').problems[7472].id).toBe('gsm8k/train/7472');
    expect(set('math500/test').problems[499].id).toBe('math500/test/499');
    // the rows after the two skipped MATH train rows keep their own index
    expect(set('math/train').problems[7497].id).toBe('math/train/7499');
    for (const [name, r] of loaded) expect(new Set(r.problems.map((p) => p.id)).size, name).toBe(r.problems.length);
  });

  it('have the known answers of several rows', () => {
    const answer = (name: BundledSetName, id: string) => set(name).problems.find((p) => p.id === id)?.answer;
    expect(answer('gsm8k/train', 'gsm8k/train/0')).toBe('72');
    expect(answer('gsm8k/train', 'gsm8k/train/1')).toBe('10');
    expect(answer('gsm8k/train', 'gsm8k/train/7472')).toBe('50');
    expect(answer('gsm8k/test', 'gsm8k/test/0')).toBe('18');
    expect(answer('gsm8k/test', 'gsm8k/test/146')).toBe('2125'); // "#### 2,125"
    expect(answer('gsm8k/test', 'gsm8k/test/611')).toBe('1450000'); // "#### 1,450,000"
    expect(answer('math/train', 'math/train/0')).toBe('0');
    expect(answer('math/train', 'math/train/1')).toBe('8+4i');
    expect(answer('math/test', 'math/test/1')).toBe('\\frac{1}{2}');
    expect(answer('math/test', 'math/test/4999')).toBe('1, -3');
    expect(answer('math500/test', 'math500/test/0')).toBe('\\left( 3, \\frac{\\pi}{2} \\right)');
    expect(answer('math500/test', 'math500/test/1')).toBe('p - q');
    expect(answer('math500/test', 'math500/test/499')).toBe('106^\\circ');
  });

  it('carry MATH subject and level, and MATH-500 unique_id', () => {
    expect(set('math/test').problems[1]).toMatchObject({ source: 'math', difficulty_label: 5, meta: { subject: 'Algebra', source_file: 'test/algebra/2.json' } });
    expect(set('math500/test').problems[1]).toMatchObject({
      source: 'math500',
      difficulty_label: 5,
      meta: { subject: 'Intermediate Algebra', unique_id: 'test/intermediate_algebra/1994.json' },
    });
    const unknownLevel = set('math/train').problems.filter((p) => p.difficulty_label === undefined);
    expect(unknownLevel.map((p) => p.meta?.level)).toEqual(['Level ?', 'Level ?']);
  });
});

describe('bundled sets against their raw rows', () => {
  it('every GSM8K answer is the number after "####" in the raw row (commas dropped)', async () => {
    for (const split of ['train', 'test'] as const) {
      const raw = await rawRows(`gsm8k/${split}.jsonl`);
      const problems = set(`gsm8k/${split}`).problems;
      expect(problems).toHaveLength(raw.length);
      raw.forEach((row, i) => {
        const expected = /#### (.+)$/.exec(row.answer as string)![1].replace(/,/g, '');
        expect(problems[i].answer, `gsm8k/${split}/${i}`).toBe(expected);
        expect(problems[i].question).toBe((row.question as string).trim());
      });
    }
  });

  it('every MATH answer equals the upstream boxed_answer_derived (up to surrounding spaces)', async () => {
    for (const split of ['train', 'test'] as const) {
      const raw = await rawRows(`math/${split}.jsonl`);
      const byId = new Map(set(`math/${split}`).problems.map((p) => [p.id, p]));
      raw.forEach((row, i) => {
        const p = byId.get(`math/${split}/${i}`);
        if ((row.boxed_answer_derived as string).trim() === '') expect(p).toBeUndefined();
        else expect(p?.answer, `math/${split}/${i}`).toBe((row.boxed_answer_derived as string).trim());
      });
    }
  });

  it('every MATH-500 answer equals the upstream answer field', async () => {
    const raw = await rawRows('math500/test.jsonl');
    set('math500/test').problems.forEach((p, i) => expect(p.answer).toBe((raw[i].answer as string).trim()));
  });
});

describe('loadBundledSet', () => {
  it('reads through an injected byte reader (as a page would through fetch)', async () => {
    const rows = [{ question: 'What is 6*7?', answer: 'six sevens\n#### 42' }];
    const gz = gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const asked: string[] = [];
    const r = await loadBundledSet('gsm8k/test', async (path) => (asked.push(path), new Uint8Array(gz)));
    expect(asked).toEqual(['gsm8k/test.jsonl.gz']);
    expect(r.problems).toEqual([{ id: 'gsm8k/test/0', question: 'What is 6*7?', answer: '42', solution: 'six sevens', source: 'gsm8k' }]);
  });

  it('accepts bytes a server already decompressed (Content-Encoding: gzip)', async () => {
    const plain = new TextEncoder().encode('{"question":"q","answer":"x\\n#### 1"}\n');
    const r = await loadBundledSet('gsm8k/train', async () => plain);
    expect(r.problems.map((p) => p.answer)).toEqual(['1']);
  });

  it('rejects an unknown set name, listing the known ones', async () => {
    await expect(loadBundledSet('gsm9k/train')).rejects.toThrow(/unknown bundled set "gsm9k\/train"; the bundled sets are gsm8k\/train, gsm8k\/test/);
  });

  it('decompresses the same through DecompressionStream (browser path) and zlib (Node path)', async () => {
    const text = 'line one é ∑\n'.repeat(1000);
    const gz = new Uint8Array(gzipSync(text));
    expect(new TextDecoder().decode(await gunzipWithStream(gz))).toBe(text);
    expect(new TextDecoder().decode(await gunzipWithZlib(gz))).toBe(text);
  });
});
