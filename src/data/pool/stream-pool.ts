// A pool on disk (Node), for pools too large to hold: import, embedding, clustering and sampling each stream over
// files, holding at most one batch of problems, the k centroids, one int per problem (its cluster) and the problems
// being sampled. The folder:
//   problems.jsonl   the normalized problems, one per line, in input order (row i of every other file)
//   embeddings.f32   [n, dim] little-endian f32, the knowledge text's vector (stream-vectors.ts)
//   clusters.i32     [n] cluster of each problem; centroids.f32 [k, dim]
//   pool.json        counts, dim, the embedder's name, the import summary
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../tagging/embedder.ts';
import type { Problem } from '../problem.ts';
import { knowledgeText } from '../../cluster/knowledge-text.ts';
import { miniBatchKMeans, type MiniBatchOptions } from '../../cluster/minibatch-kmeans.ts';
import { Rng } from '../../util/random.ts';
import { emptySummary, linesOf, streamProblems, type StreamImportOptions, type StreamSummary } from './stream.ts';
import { fileRows, VectorFileWriter } from './stream-vectors.ts';

export const POOL_FILES = { problems: 'problems.jsonl', embeddings: 'embeddings.f32', clusters: 'clusters.i32', centroids: 'centroids.f32', meta: 'pool.json' } as const;

export interface DiskPoolMeta {
  count: number;
  dim: number;
  embedder: string;
  summary: StreamSummary;
  k?: number;
}

export interface BuildOptions {
  import: StreamImportOptions;
  embedder: Embedder;
  /** recorded in pool.json */
  embedderName: string;
  /** problems embedded per call; default 1024 */
  batchSize?: number;
  onProgress?: (problems: number) => void;
}

/** Streams a JSONL file through the importer and the embedder into a pool folder. */
export async function buildDiskPool(input: string, dir: string, options: BuildOptions): Promise<DiskPoolMeta> {
  const batchSize = options.batchSize ?? 1024;
  const summary = emptySummary();
  const vectors = new VectorFileWriter(join(dir, POOL_FILES.embeddings), options.embedder.dim);
  const problemsOut = createWriteStream(join(dir, POOL_FILES.problems));
  let batch: Problem[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const embedded = await options.embedder.embed(batch.map(knowledgeText));
    if (embedded.length !== batch.length) throw new Error(`the embedder returned ${embedded.length} vectors for ${batch.length} texts`);
    vectors.append(embedded);
    await write(problemsOut, batch.map((p) => JSON.stringify(p)).join('\n') + '\n');
    count += batch.length;
    batch = [];
    options.onProgress?.(count);
  };
  try {
    for await (const problem of streamProblems(linesOf(createReadStream(input)), options.import, summary)) {
      batch.push(problem);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    vectors.close();
    await new Promise<void>((resolve, reject) => problemsOut.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  const meta: DiskPoolMeta = { count, dim: options.embedder.dim, embedder: options.embedderName, summary };
  writeFileSync(join(dir, POOL_FILES.meta), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

export function readPoolMeta(dir: string): DiskPoolMeta {
  return JSON.parse(readFileSync(join(dir, POOL_FILES.meta), 'utf8')) as DiskPoolMeta;
}

/** Mini-batch k-means over the pool's embedding file; writes clusters.i32 and centroids.f32. */
export function clusterDiskPool(dir: string, options: MiniBatchOptions): { sizes: Int32Array; inertia: number; steps: number } {
  const meta = readPoolMeta(dir);
  const rows = fileRows(join(dir, POOL_FILES.embeddings), meta.dim);
  try {
    if (rows.n !== meta.count) throw new Error(`${dir}: ${POOL_FILES.embeddings} has ${rows.n} rows, pool.json says ${meta.count} problems`);
    const result = miniBatchKMeans(rows, options);
    writeFileSync(join(dir, POOL_FILES.clusters), new Uint8Array(result.assignments.buffer));
    writeFileSync(join(dir, POOL_FILES.centroids), new Uint8Array(result.centroids.buffer));
    writeFileSync(join(dir, POOL_FILES.meta), JSON.stringify({ ...meta, k: options.k }, null, 2) + '\n');
    return { sizes: result.sizes, inertia: result.inertia, steps: result.steps };
  } finally {
    rows.close();
  }
}

/** The cluster of every problem: [n]. */
export function readAssignments(dir: string): Int32Array {
  const bytes = readFileSync(join(dir, POOL_FILES.clusters));
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * Per-cluster counts for a stratified sample of `fraction` of the pool (at least `minCount`, at most all of it):
 * proportional to cluster size, rounded by largest remainder, never more than a cluster holds.
 */
export function stratifiedQuotas(sizes: ArrayLike<number>, fraction: number, minCount: number): number[] {
  const n = Array.from(sizes).reduce((a, b) => a + b, 0);
  const total = Math.min(n, Math.max(minCount, Math.round(fraction * n)));
  const exact = Array.from(sizes, (s) => (n === 0 ? 0 : (total * s) / n));
  const quotas = exact.map((x, c) => Math.min(sizes[c], Math.floor(x)));
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = exact.map((x, c) => [x - Math.floor(x), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  while (left > 0) {
    let placed = false;
    for (const [, c] of order) {
      if (left === 0) break;
      if (quotas[c] < sizes[c]) {
        quotas[c]++;
        left--;
        placed = true;
      }
    }
    if (!placed) break;
  }
  return quotas;
}

export interface SampleOptions {
  /** problems to draw from each cluster: [k] */
  quotas: number[];
  seed: number;
  /** relative weight of a problem within its cluster (e.g. the sampler's frontier weight); default 1 */
  weightOf?: (row: number, problem: Problem) => number;
}

/**
 * One pass over problems.jsonl drawing quotas[c] problems from each cluster c without replacement: weighted
 * reservoir sampling (Efraimidis & Spirakis 2006, A-Res: keep the largest keys u^(1/w)), so only the kept
 * problems are held. Returned in pool order, each with its row.
 */
export async function sampleDiskPool(dir: string, options: SampleOptions): Promise<{ row: number; cluster: number; problem: Problem }[]> {
  const assignments = readAssignments(dir);
  const rng = new Rng(options.seed);
  const reservoirs = options.quotas.map(() => [] as { key: number; row: number; problem: Problem }[]);
  let row = 0;
  for await (const line of linesOf(createReadStream(join(dir, POOL_FILES.problems)))) {
    if (line === '') continue;
    if (row >= assignments.length) throw new Error(`${dir}: ${POOL_FILES.problems} has more rows than ${POOL_FILES.clusters} (${assignments.length})`);
    const cluster = assignments[row];
    const quota = options.quotas[cluster] ?? 0;
    const u = rng.next(); // drawn for every row, so a row's key does not depend on other clusters' quotas
    if (quota > 0) {
      const problem = JSON.parse(line) as Problem;
      const w = options.weightOf ? options.weightOf(row, problem) : 1;
      if (w > 0) {
        const reservoir = reservoirs[cluster];
        reservoir.push({ key: Math.log(Math.max(u, 1e-300)) / w, row, problem });
        if (reservoir.length >= 2 * quota + 16) keepLargest(reservoir, quota);
      }
    }
    row++;
  }
  if (row !== assignments.length) throw new Error(`${dir}: ${POOL_FILES.problems} has ${row} rows, ${POOL_FILES.clusters} ${assignments.length}`);
  const picked = reservoirs.flatMap((reservoir, cluster) => {
    keepLargest(reservoir, options.quotas[cluster] ?? 0);
    return reservoir.map((e) => ({ row: e.row, cluster, problem: e.problem }));
  });
  return picked.sort((a, b) => a.row - b.row);
}

/** Keeps the `count` entries with the largest keys (log u / w is log of u^(1/w): same order). */
function keepLargest(entries: { key: number; row: number }[], count: number): void {
  entries.sort((a, b) => b.key - a.key || a.row - b.row);
  entries.length = Math.min(entries.length, count);
}

/** Writes `text`, waiting for the stream to drain when its buffer is full (listeners removed either way). */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) return resolve();
    const onDrain = () => {
      stream.removeListener('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      stream.removeListener('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
