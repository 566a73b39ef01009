// Plain, slow reference versions of the clustering steps, written for clarity, that the fast ones are checked against.
import { Rng } from '../../src/util/random.ts';

export function squaredDistance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += (a[i * dim + d] - b[j * dim + d]) ** 2;
  return s;
}

/** k-means++ with every D(x)² recomputed from scratch, drawing exactly as src/cluster/seeding.ts does. */
export function naiveKmeansPlusPlus(data: Float32Array, n: number, dim: number, k: number, seed: number): number[] {
  const rng = new Rng(seed);
  const seeds = [rng.int(0, n - 1)];
  while (seeds.length < k) {
    const d2 = Array.from({ length: n }, (_, i) => Math.min(...seeds.map((s) => squaredDistance(data, i, data, s, dim))));
    const total = d2.reduce((a, b) => a + b, 0);
    const target = rng.next() * total;
    let acc = 0;
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (d2[i] <= 0) continue;
      acc += d2[i];
      pick = i;
      if (acc > target) break;
    }
    seeds.push(pick);
  }
  return seeds;
}

/** Lloyd's algorithm, every distance every iteration, until no row moves. */
export function naiveLloyd(data: Float32Array, n: number, dim: number, initial: Float32Array, k: number, maxIter = 1000): { assignments: Int32Array; centroids: Float32Array } {
  const centroids = Float32Array.from(initial);
  const assignments = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (squaredDistance(data, i, centroids, j, dim) < squaredDistance(data, i, centroids, best, dim)) best = j;
      if (assignments[i] !== best) changed++;
      assignments[i] = best;
    }
    if (changed === 0) break;
    for (let j = 0; j < k; j++) {
      const members = [...assignments.keys()].filter((i) => assignments[i] === j);
      if (members.length === 0) continue;
      for (let d = 0; d < dim; d++) centroids[j * dim + d] = members.reduce((s, i) => s + data[i * dim + d], 0) / members.length;
    }
  }
  return { assignments, centroids };
}

/** Mean silhouette by its definition (Rousseeuw 1987), s(i) = 0 for singletons. */
export function naiveSilhouette(data: Float32Array, n: number, dim: number, labels: Int32Array): number {
  const dist = (i: number, j: number) => Math.sqrt(squaredDistance(data, i, data, j, dim));
  const clusters = [...new Set(labels)];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = [...labels.keys()].filter((j) => labels[j] === labels[i] && j !== i);
    if (own.length === 0) continue;
    const a = own.reduce((s, j) => s + dist(i, j), 0) / own.length;
    const b = Math.min(
      ...clusters.filter((c) => c !== labels[i]).map((c) => {
        const members = [...labels.keys()].filter((j) => labels[j] === c);
        return members.reduce((s, j) => s + dist(i, j), 0) / members.length;
      }),
    );
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
