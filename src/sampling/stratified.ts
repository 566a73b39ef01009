// The probe's problems: a sample of the pool stratified by knowledge cluster, so every cluster is measured.
// Size n = min(pool, max(minCount, ceil(fraction · pool))). Each cluster gets its share of n in proportion to its
// size (largest remainders); when n ≥ the number of clusters every cluster gets at least one. Within a cluster the
// problems are drawn uniformly without replacement.
import type { Rng } from '../util/random.ts';

export interface StratifiedOptions {
  fraction: number;
  minCount: number;
}

export function probeSize(poolSize: number, options: StratifiedOptions): number {
  return Math.min(poolSize, Math.max(options.minCount, Math.ceil(options.fraction * poolSize)));
}

/** How many of `n` each cluster gets (cluster id → count), proportional to `sizes` by largest remainders. */
export function allocate(sizes: Map<number, number>, n: number): Map<number, number> {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  const clusters = [...sizes.keys()].sort((a, b) => a - b);
  const out = new Map<number, number>(clusters.map((c) => [c, 0]));
  if (n <= 0 || total === 0) return out;
  let left = n;
  if (n >= clusters.length) {
    for (const c of clusters) out.set(c, 1);
    left -= clusters.length;
  }
  // the rest in proportion to the sizes still available
  const room = (c: number) => sizes.get(c)! - out.get(c)!;
  const roomTotal = clusters.reduce((s, c) => s + room(c), 0);
  const exact = clusters.map((c) => ({ c, x: roomTotal === 0 ? 0 : (left * room(c)) / roomTotal }));
  for (const { c, x } of exact) out.set(c, out.get(c)! + Math.floor(x));
  left = n - [...out.values()].reduce((a, b) => a + b, 0);
  const byRemainder = exact.sort((a, b) => (b.x - Math.floor(b.x)) - (a.x - Math.floor(a.x)) || a.c - b.c);
  for (let i = 0; left > 0 && i < byRemainder.length * 2; i++) {
    const c = byRemainder[i % byRemainder.length].c;
    if (room(c) > 0) {
      out.set(c, out.get(c)! + 1);
      left--;
    }
  }
  return out;
}

/** Indices into `clusters` (the cluster of each pool problem) of the probe's problems, in pool order. */
export function stratifiedSample(clusters: ArrayLike<number>, options: StratifiedOptions, rng: Rng): number[] {
  const members = new Map<number, number[]>();
  for (let i = 0; i < clusters.length; i++) {
    const list = members.get(clusters[i]);
    if (list) list.push(i);
    else members.set(clusters[i], [i]);
  }
  const n = probeSize(clusters.length, options);
  const quota = allocate(new Map([...members].map(([c, m]) => [c, m.length])), n);
  const chosen: number[] = [];
  for (const [c, m] of [...members].sort((a, b) => a[0] - b[0])) chosen.push(...rng.sample(m, quota.get(c)!));
  return chosen.sort((a, b) => a - b);
}
