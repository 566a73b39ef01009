// Large pools: mini-batch k-means over 1,000,000 × 384 embeddings with k = 100, read from a file on disk (as the
// streaming pool keeps them), against the 5-minute limit. Quality: on a 20,000-row sample, the inertia of the
// mini-batch centroids divided by that of full k-means (k-means++ and Lloyd to convergence, src/cluster/kmeans.ts)
// fitted on the sample itself, and the adjusted Rand index between the two labelings of the sample.
// The data: a seeded mixture of 100 Gaussian clusters on the unit sphere with overlapping tails (noise 2: a row is
// farther from its own centre than the centres are from each other, as sentence embeddings of related topics are),
// generated in chunks straight to a temporary file; generation time is not part of the figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustedRandIndex } from '../src/cluster/ari.ts';
import { assignNearest } from '../src/cluster/assign.ts';
import { rowSquaredNorms } from '../src/cluster/distances.ts';
import { inertia } from '../src/cluster/inertia.ts';
import { kmeans } from '../src/cluster/kmeans.ts';
import { miniBatchKMeans, sampleDistinct } from '../src/cluster/minibatch-kmeans.ts';
import { fileRows, VectorFileWriter } from '../src/data/pool/stream-vectors.ts';
import { Rng } from '../src/util/random.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['large pool'];

const DIM = 384;
const K = 100;
const NOISE = 2;
const SAMPLE = 20_000;
const LIMIT_S = 300;

/** Writes n rows of a seeded Gaussian mixture (k centres on the unit sphere, L2-normalized rows) to `path`; returns true labels. */
function writeMixture(path: string, n: number, dim: number, k: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const centres = new Float64Array(k * dim);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (centres[j * dim + d] = rng.normal()) ** 2;
    for (let d = 0; d < dim; d++) centres[j * dim + d] /= Math.sqrt(norm);
  }
  const writer = new VectorFileWriter(path, dim);
  const labels = new Int32Array(n);
  const chunkRows = 8192;
  const chunk = new Float32Array(chunkRows * dim);
  const sigma = NOISE / Math.sqrt(dim);
  for (let start = 0; start < n; start += chunkRows) {
    const count = Math.min(chunkRows, n - start);
    for (let r = 0; r < count; r++) {
      const j = rng.int(0, k - 1);
      labels[start + r] = j;
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += (chunk[r * dim + d] = centres[j * dim + d] + sigma * rng.normal()) ** 2;
      const inv = 1 / Math.sqrt(norm);
      for (let d = 0; d < dim; d++) chunk[r * dim + d] *= inv;
    }
    writer.append(chunk.subarray(0, count * dim));
  }
  writer.close();
  return labels;
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'large-pool-bench-'));
  try {
    const path = join(dir, 'embeddings.f32');
    let t = performance.now();
    const truth = writeMixture(path, n, DIM, K, 2026);
    const generateS = (performance.now() - t) / 1000;
    const rows = fileRows(path, DIM);
    t = performance.now();
    const heapBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const mb = miniBatchKMeans(rows, { k: K, seed: 1, batchSize: 4096, maxSteps: 400 });
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const rssMb = process.memoryUsage().rss / 2 ** 20;

    // quality on a sample: mini-batch centroids vs full k-means fitted on the sample
    const sampleRows = sampleDistinct(n, Math.min(SAMPLE, n), new Rng(7));
    const sample = new Float32Array(sampleRows.length * DIM);
    rows.readRows(sampleRows, sample);
    rows.close();
    const m = sampleRows.length;
    t = performance.now();
    const full = kmeans(sample, m, DIM, { k: K, seed: 1 });
    const fullS = (performance.now() - t) / 1000;
    const sampleNorms = rowSquaredNorms(sample, m, DIM);
    const mbOnSample = assignNearest(sample, m, DIM, sampleNorms, mb.centroids, rowSquaredNorms(mb.centroids, K, DIM), K);
    const mbInertia = inertia(sample, m, DIM, mb.centroids, mbOnSample.assignments);
    const quality = mbInertia / full.inertia;
    const ari = adjustedRandIndex(mbOnSample.assignments, full.assignments);
    const truthOnSample = Array.from(sampleRows, (i) => truth[i]);
    const ariTruthMb = adjustedRandIndex(mbOnSample.assignments, truthOnSample);
    const ariTruthFull = adjustedRandIndex(full.assignments, truthOnSample);
    const size = `${n.toLocaleString('en-US')} × ${DIM}, k = ${K}`;
    return [
      {
        group: 'large pool',
        name: `mini-batch k-means ${size}`,
        value: seconds,
        unit: 's',
        note: `limit ${LIMIT_S} s (${seconds <= LIMIT_S ? 'met' : 'NOT met'}); wall time, ${cpuS.toFixed(0)} s of CPU (one thread; the difference is waiting for a shared machine); read from a file on disk; ${mb.steps} steps of 4096 rows + one assignment pass; RSS ${rssMb.toFixed(0)} MiB (data ${((n * DIM * 4) / 2 ** 20).toFixed(0)} MiB on disk; RSS before ${(heapBefore / 2 ** 20).toFixed(0)} MiB); data generation ${generateS.toFixed(0)} s not counted`,
      },
      {
        group: 'large pool',
        name: `inertia on a ${m.toLocaleString('en-US')}-row sample, mini-batch / full k-means`,
        value: quality,
        unit: '× full',
        baseline: { name: `full k-means (k-means++, Lloyd to convergence) fitted on the sample: ${fullS.toFixed(1)} s`, value: 1 },
        note: `ARI between the two labelings ${ari.toFixed(3)}; ARI with the true mixture components: mini-batch ${ariTruthMb.toFixed(3)}, full on the sample ${ariTruthFull.toFixed(3)}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
