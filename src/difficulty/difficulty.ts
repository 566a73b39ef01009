// Self-aware difficulty: how hard each pool problem is for the current policy, from the probe.
//
// Order (the SAI-DPO paper's priority): lower pass rate is harder; at equal pass rate, more reasoning steps is
// harder; at equal steps, longer answers are harder.
//
// Scalar form (for plots and for the samplers): d = (1 − p) + t / (K + 1), where p is the pass rate and t ∈ [0, 1)
// is the problem's place among the probed problems with the same pass rate, ordered by (steps, tokens). Pass rates
// of K answers differ by at least 1/K > 1/(K+1), so d orders exactly as the rule above. d ∈ [0, 1 + 1/(K+1)).
//
// Problems not probed get an estimate (estimated: true): their pass rate is
//   p̂ = (Σ_{j ∈ N} p_j + w · p̄_c) / (|N| + w)
// where N are the `neighbours` probed problems of the same cluster nearest by cosine similarity of the knowledge
// embeddings, p̄_c is the mean pass rate of the cluster's probed problems (the mean of all probed problems when the
// cluster has none, `priorPassRate` when nothing was probed) and w = `clusterWeight`; steps and tokens are estimated
// the same way. Their scalar is d = 1 − p̂ (no tie-break).

import type { ProblemProbe } from './probe-stats.ts';

export interface DifficultyOptions {
  neighbours: number;
  clusterWeight: number;
  priorPassRate: number;
}

export interface DifficultyEntry {
  id: string;
  cluster: number;
  /** false when the problem was probed this iteration */
  estimated: boolean;
  passRate: number;
  steps: number;
  tokens: number;
  /** the scalar form (see above): higher is harder */
  score: number;
}

export interface PoolPoint {
  id: string;
  cluster: number;
}

/** Lexicographic difficulty order, easiest first: pass rate descending, then steps, then tokens ascending. */
export function compareDifficulty(a: Pick<DifficultyEntry, 'passRate' | 'steps' | 'tokens'>, b: Pick<DifficultyEntry, 'passRate' | 'steps' | 'tokens'>): number {
  return b.passRate - a.passRate || a.steps - b.steps || a.tokens - b.tokens;
}

/** Scalars of the probed problems: (1 − p) + t / (K + 1), t their place (0..1) among equal pass rates. */
function probedScores(probes: ProblemProbe[]): Map<string, number> {
  const byRate = new Map<number, ProblemProbe[]>();
  for (const p of probes) {
    const group = byRate.get(p.passRate);
    if (group) group.push(p);
    else byRate.set(p.passRate, [p]);
  }
  const out = new Map<string, number>();
  for (const [rate, group] of byRate) {
    const sorted = [...group].sort((a, b) => a.meanSteps - b.meanSteps || a.meanTokens - b.meanTokens || (a.id < b.id ? -1 : 1));
    sorted.forEach((p, i) => out.set(p.id, 1 - rate + i / sorted.length / (p.k + 1)));
  }
  return out;
}

function dot(embeddings: Float32Array, dim: number, i: number, j: number): number {
  let s = 0;
  const a = i * dim;
  const b = j * dim;
  for (let d = 0; d < dim; d++) s += embeddings[a + d] * embeddings[b + d];
  return s;
}

/** Cosine similarity of rows i and j (rows need not be normalized). */
function cosineRows(embeddings: Float32Array, dim: number, i: number, j: number): number {
  const n = Math.sqrt(dot(embeddings, dim, i, i) * dot(embeddings, dim, j, j));
  return n === 0 ? 0 : dot(embeddings, dim, i, j) / n;
}

/**
 * The difficulty of every pool problem. `embeddings` is [pool.length × dim] in pool order (null: no neighbours,
 * cluster means only). Probes name problems by id; ids not in the pool are an error.
 */
export function difficultyTable(
  pool: PoolPoint[], probes: ProblemProbe[], embeddings: Float32Array | null, dim: number, options: DifficultyOptions,
): DifficultyEntry[] {
  const index = new Map(pool.map((p, i) => [p.id, i]));
  const probeAt = new Map<number, ProblemProbe>();
  for (const probe of probes) {
    const i = index.get(probe.id);
    if (i === undefined) throw new Error(`difficulty: probed problem "${probe.id}" is not in the pool`);
    probeAt.set(i, probe);
  }
  if (embeddings && embeddings.length !== pool.length * dim) throw new Error(`difficulty: embeddings hold ${embeddings.length} numbers, expected ${pool.length} × ${dim}`);
  const scores = probedScores(probes);
  const mean = (xs: ProblemProbe[], f: (p: ProblemProbe) => number, fallback: number) => (xs.length ? xs.reduce((s, p) => s + f(p), 0) / xs.length : fallback);
  const all = [...probeAt.values()];
  const global = { passRate: mean(all, (p) => p.passRate, options.priorPassRate), steps: mean(all, (p) => p.meanSteps, 1), tokens: mean(all, (p) => p.meanTokens, 0) };
  const probedByCluster = new Map<number, number[]>();
  for (const i of probeAt.keys()) {
    const list = probedByCluster.get(pool[i].cluster);
    if (list) list.push(i);
    else probedByCluster.set(pool[i].cluster, [i]);
  }
  const clusterMean = new Map<number, typeof global>();
  for (const [c, members] of probedByCluster) {
    const ps = members.map((i) => probeAt.get(i)!);
    clusterMean.set(c, { passRate: mean(ps, (p) => p.passRate, 0), steps: mean(ps, (p) => p.meanSteps, 0), tokens: mean(ps, (p) => p.meanTokens, 0) });
  }
  return pool.map((point, i) => {
    const probe = probeAt.get(i);
    if (probe) return { id: point.id, cluster: point.cluster, estimated: false, passRate: probe.passRate, steps: probe.meanSteps, tokens: probe.meanTokens, score: scores.get(probe.id)! };
    const prior = clusterMean.get(point.cluster) ?? global;
    const candidates = probedByCluster.get(point.cluster) ?? [];
    const nearest = embeddings
      ? candidates.map((j) => ({ j, s: cosineRows(embeddings, dim, i, j) })).sort((a, b) => b.s - a.s || a.j - b.j).slice(0, options.neighbours).map((x) => probeAt.get(x.j)!)
      : [];
    const w = options.clusterWeight;
    const denom = nearest.length + w;
    const blend = (f: (p: ProblemProbe) => number, priorValue: number) =>
      denom === 0 ? priorValue : (nearest.reduce((s, p) => s + f(p), 0) + w * priorValue) / denom;
    const passRate = blend((p) => p.passRate, prior.passRate);
    return { id: point.id, cluster: point.cluster, estimated: true, passRate, steps: blend((p) => p.meanSteps, prior.steps), tokens: blend((p) => p.meanTokens, prior.tokens), score: 1 - passRate };
  });
}
