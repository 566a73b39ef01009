import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/ari.ts';
import { kmeans } from '../../src/cluster/kmeans.ts';
import { memoryRows, miniBatchKMeans } from '../../src/cluster/minibatch-kmeans.ts';
import { gaussianMixture } from '../../src/cluster/synthetic.ts';
import { importProblems } from '../../src/data/pool/importers.ts';
import { buildDiskPool, clusterDiskPool, readAssignments, readPoolMeta, sampleDiskPool, stratifiedQuotas } from '../../src/data/pool/stream-pool.ts';
import { fileRows, VectorFileWriter } from '../../src/data/pool/stream-vectors.ts';
import { emptySummary, linesOf, streamProblems } from '../../src/data/pool/stream.ts';
import { HashedBagOfWords } from '../../src/data/tagging/hashed-embedder.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'large-pool-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

describe('streaming import', () => {
  const TEXT = [
    '\ufeff{"id": "a", "question": "What is 1 + 1? (naïve)", "answer": "2", "tags": ["arith.add"]}',
    '',
    '{"id": "b", "question": "Halve 10", "answer": 5}',
    '{"id": "a", "question": "duplicate", "answer": "1"}',
    'not json',
    '[1, 2]',
    '{"id": "c", "question": "", "answer": "3"}',
    '{"id": "d", "question": "Solve {x", "solution": "so \\\\boxed{7}"}\r',
    '{"id": "e", "question": "Last line, no newline", "answer": "\u00bd"}',
  ].join('\n');

  it('splits chunks into lines, across multi-byte characters, CRLF and a missing final newline', async () => {
    const bytes = new TextEncoder().encode(TEXT);
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      const lines = await collect(linesOf(chunksOf(bytes, size)));
      expect(lines).toEqual(TEXT.replace('\ufeff', '').split('\n').map((l) => l.replace(/\r$/, '')));
    }
  });

  it('loads what importProblems loads and reports the same lines with the same reasons', async () => {
    const whole = importProblems(TEXT, { source: 'upload.jsonl' });
    const summary = emptySummary();
    const problems = await collect(streamProblems(linesOf(chunksOf(new TextEncoder().encode(TEXT), 5)), { source: 'upload.jsonl' }, summary));
    expect(problems).toEqual(whole.problems);
    expect(summary.skipped).toEqual(whole.skipped);
    expect(summary.warnings).toEqual(whole.warnings);
    expect(summary.counts).toEqual(whole.counts);
    expect(summary.answerSources).toEqual(whole.answerSources);
    expect(summary.mapping).toEqual(whole.mapping);
  });

  it('refuses a JSON array at line 1 and reports an empty file', async () => {
    await expect(collect(streamProblems(linesOf(chunksOf(new TextEncoder().encode('[{"question": "q", "answer": "1"}]'), 8)), { source: 'x' }))).rejects.toThrow(/line 1: the file is a JSON array/);
    const summary = emptySummary();
    expect(await collect(streamProblems(linesOf(chunksOf(new TextEncoder().encode('\n\n'), 8)), { source: 'x' }, summary))).toEqual([]);
    expect(summary.skipped).toEqual([{ line: 0, reason: 'the file is empty (no records)' }]);
  });
});

describe('mini-batch k-means', () => {
  it('comes within 3% of full k-means inertia on a Gaussian mixture, repeats with its seed, and reads files as memory', () => {
    const n = 12_000;
    const dim = 32;
    const k = 12;
    const mixture = gaussianMixture(n, dim, k, 5, 2);
    const source = memoryRows(mixture.data, n, dim);
    const mb = miniBatchKMeans(source, { k, seed: 3, batchSize: 512 });
    const full = kmeans(mixture.data, n, dim, { k, seed: 3 });
    expect(mb.inertia / full.inertia).toBeLessThan(1.03);
    // the mixture overlaps (noise 2): full k-means itself recovers it only at ARI ~0.69; mini-batch must match that
    expect(adjustedRandIndex(mb.assignments, mixture.labels)).toBeGreaterThan(adjustedRandIndex(full.assignments, mixture.labels) - 0.05);
    expect(mb.sizes.reduce((a, b) => a + b, 0)).toBe(n);
    const again = miniBatchKMeans(source, { k, seed: 3, batchSize: 512 });
    expect(Array.from(again.assignments)).toEqual(Array.from(mb.assignments));
    const path = join(dir, 'mixture.f32');
    const writer = new VectorFileWriter(path, dim);
    for (let start = 0; start < n; start += 1000) writer.append(mixture.data.subarray(start * dim, Math.min(n, start + 1000) * dim));
    writer.close();
    expect(statSync(path).size).toBe(n * dim * 4);
    const rows = fileRows(path, dim);
    const fromFile = miniBatchKMeans(rows, { k, seed: 3, batchSize: 512, chunkRows: 999 });
    rows.close();
    expect(Array.from(fromFile.centroids)).toEqual(Array.from(mb.centroids));
    expect(Array.from(fromFile.assignments)).toEqual(Array.from(mb.assignments));
  });

  it('a refinement pass does not raise the inertia; bad options name themselves', () => {
    const mixture = gaussianMixture(3000, 16, 6, 9, 3);
    const source = memoryRows(mixture.data, 3000, 16);
    const plain = miniBatchKMeans(source, { k: 6, seed: 1, batchSize: 256, maxSteps: 20 });
    const refined = miniBatchKMeans(source, { k: 6, seed: 1, batchSize: 256, maxSteps: 20, refinePasses: 2 });
    expect(refined.inertia).toBeLessThanOrEqual(plain.inertia * (1 + 1e-9));
    expect(() => miniBatchKMeans(source, { k: 3001, seed: 1 })).toThrow(/k \(3001\) is larger than the number of rows \(3000\)/);
    expect(() => miniBatchKMeans(source, { k: 0, seed: 1 })).toThrow(/k must be a positive integer/);
    writeFileSync(join(dir, 'odd.f32'), new Uint8Array(24));
    expect(() => fileRows(join(dir, 'odd.f32'), 5)).toThrow(/not a whole number of rows of 5 f32 values/);
  });
});

describe('a pool on disk: import → embed → cluster → sample, streaming', () => {
  const TOPICS = ['fraction', 'decimal', 'percent', 'ratio', 'angle', 'area', 'prime', 'factor', 'equation', 'inequality', 'probability', 'sequence'];
  const FLAVOURS = ['word', 'symbolic'];
  const N = 6000;

  it('keeps every problem, clusters by knowledge, and draws stratified and weighted samples without replacement', async () => {
    const input = join(dir, 'pool.jsonl');
    const truth: number[] = [];
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      const topic = (i * 7) % TOPICS.length;
      const flavour = i % 2;
      truth.push(topic * 2 + flavour);
      lines.push(JSON.stringify({ id: i, question: `Problem ${i} about ${TOPICS[topic]}s`, answer: String(i % 97), tags: [`${TOPICS[topic]} basic`, `${FLAVOURS[flavour]} problem`] }));
      if (i === 100) lines.push('{"broken": ');
    }
    writeFileSync(input, lines.join('\n') + '\n');
    const poolDir = mkdtempSync(join(dir, 'pool-'));
    let progress = 0;
    const meta = await buildDiskPool(input, poolDir, { import: { source: 'big' }, embedder: new HashedBagOfWords(64), embedderName: 'hashed-bow/64', batchSize: 500, onProgress: (p) => (progress = p) });
    expect(meta.count).toBe(N);
    expect(progress).toBe(N);
    expect(meta.summary.skipped).toEqual([{ line: 102, reason: expect.stringContaining('not valid JSON') }]);
    expect(statSync(join(poolDir, 'embeddings.f32')).size).toBe(N * 64 * 4);
    expect(readFileSync(join(poolDir, 'problems.jsonl'), 'utf8').trim().split('\n')).toHaveLength(N);

    const k = TOPICS.length * FLAVOURS.length;
    const clustered = clusterDiskPool(poolDir, { k, seed: 2, batchSize: 512 });
    expect(readPoolMeta(poolDir).k).toBe(k);
    const assignments = readAssignments(poolDir);
    expect(assignments).toHaveLength(N);
    expect(adjustedRandIndex(assignments, truth)).toBeGreaterThan(0.9);
    expect(Array.from(clustered.sizes).reduce((a, b) => a + b, 0)).toBe(N);

    const quotas = stratifiedQuotas(clustered.sizes, 0.01, 32);
    expect(quotas.reduce((a, b) => a + b, 0)).toBe(60);
    const sample = await sampleDiskPool(poolDir, { quotas, seed: 4 });
    expect(sample).toHaveLength(60);
    expect(new Set(sample.map((s) => s.problem.id)).size).toBe(60);
    for (let c = 0; c < k; c++) expect(sample.filter((s) => s.cluster === c)).toHaveLength(quotas[c]);
    for (const s of sample) expect(s.problem.id).toBe(`big/${s.row}`);
    expect(await sampleDiskPool(poolDir, { quotas, seed: 4 })).toEqual(sample);
    expect((await sampleDiskPool(poolDir, { quotas, seed: 5 })).map((s) => s.row)).not.toEqual(sample.map((s) => s.row));
    // weights: a problem with weight 0 is never drawn; heavier problems are drawn more often
    const evenOnly = await sampleDiskPool(poolDir, { quotas, seed: 4, weightOf: (row) => (row % 2 === 0 ? 1 : 0) });
    expect(evenOnly.every((s) => s.row % 2 === 0)).toBe(true);
    const big = quotas.map((q, c) => Math.min(clustered.sizes[c], q * 5));
    const favoured = await sampleDiskPool(poolDir, { quotas: big, seed: 6, weightOf: (row) => (row < N / 2 ? 9 : 1) });
    expect(favoured.filter((s) => s.row < N / 2).length / favoured.length).toBeGreaterThan(0.75);
  });

  it('allocates stratified quotas by largest remainder, within cluster sizes', () => {
    expect(stratifiedQuotas([50, 30, 20], 0.1, 0)).toEqual([5, 3, 2]);
    expect(stratifiedQuotas([1, 1, 98], 0.01, 5)).toEqual([0, 0, 5]);
    expect(stratifiedQuotas([2, 3], 0.5, 100)).toEqual([2, 3]);
  });
});
