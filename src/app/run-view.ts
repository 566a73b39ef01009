// From a run's saved stage outputs (what the loop puts in the store) to the panels' plain data. Pure functions:
// the lab fetches outputs from the worker and calls these; they know nothing of workers or the DOM.
import type { ClustersOutput, DifficultyOutput, EvalOutput, PairsOutput, PoolOutput, ProbeOutput, SampleOutput, TagsOutput, TrainOutput } from '../loop/runner.ts';
import type { StepMetrics } from '../loop/trainer.ts';
import { meanInterval, pairedDifference } from '../loop/stats.ts';
import { extractAnswer } from '../verify/extract.ts';
import type {
  ClusterInfo, CompareData, EvaluationData, JudgedAnswer, KnowledgeMapData, PairsData, ProbeData, SamplingData, TrainingData, TrainPoint,
} from './panel-data.ts';

/** What a view of one iteration needs; any output not saved yet is undefined. */
export interface RunOutputs {
  pool?: PoolOutput;
  tags?: TagsOutput;
  clusters?: ClustersOutput;
  probe?: ProbeOutput;
  difficulty?: DifficultyOutput;
  sample?: SampleOutput;
  previousSample?: SampleOutput;
  pairs?: PairsOutput;
  train?: TrainOutput;
  /** every saved evaluation, by iteration (0 = before training) */
  evals: Map<number, EvalOutput>;
}

/** Each cluster's name: its most common knowledge point (ties: the first seen), with its size. */
export function clusterInfo(clusters: ClustersOutput, tags: TagsOutput | undefined): ClusterInfo[] {
  const counts = Array.from({ length: clusters.k }, () => new Map<string, number>());
  clusters.assignments.forEach((c, i) => {
    for (const tag of tags?.tags[i] ?? []) counts[c].set(tag, (counts[c].get(tag) ?? 0) + 1);
  });
  return counts.map((tagCounts, index) => {
    let best = '';
    let bestCount = 0;
    for (const [tag, n] of tagCounts) if (n > bestCount) [best, bestCount] = [tag, n];
    return { index, label: best ? prettyTag(best) : `cluster ${index + 1}`, size: clusters.sizes[index] ?? 0 };
  });
}

/** "number-theory.gcd" → "number theory: gcd" (taxonomy ids are dotted, words joined by hyphens). */
export function prettyTag(tag: string): string {
  return tag.replace(/[-_]/g, ' ').replace(/\./g, ': ');
}

/** The scalar difficulty in [0, 1] for the map: 1 − the (estimated) pass rate. */
const difficultyOf = (d: DifficultyOutput | undefined, i: number): number | null => (d && !d.skipped ? 1 - d.passRate[i] : null);

export function knowledgeMap(o: RunOutputs): KnowledgeMapData | null {
  if (!o.pool || !o.clusters) return null;
  const clusters = clusterInfo(o.clusters, o.tags);
  const failed = new Set<number>();
  o.probe?.probes.forEach((p, q) => { if (p.correct < p.k) failed.add(o.probe!.indices[q]); });
  const sampled = new Set(o.sample ? o.sample.candidates.slice(0, o.sample.used) : []);
  const points = o.pool.problems.map((problem, i) => ({
    id: problem.id,
    x: o.clusters!.projection[2 * i],
    y: o.clusters!.projection[2 * i + 1],
    cluster: o.clusters!.assignments[i],
    question: problem.question,
    tags: o.tags?.tags[i] ?? problem.knowledge_points ?? [],
    difficulty: difficultyOf(o.difficulty, i),
    probeFailed: failed.has(i),
    sampled: sampled.has(i),
  }));
  return { clusters, points };
}

function judged(text: string, correct: boolean): JudgedAnswer {
  return { text, extracted: extractAnswer(text), correct };
}

const HARDEST = 6;

export function probeView(o: RunOutputs): ProbeData | null {
  if (!o.probe || !o.pool || !o.clusters) return null;
  const clusters = clusterInfo(o.clusters, o.tags);
  if (o.probe.skipped) return { k: 0, probed: 0, perCluster: [], passRates: [], hardest: [] };
  const k = Math.max(1, ...o.probe.probes.map((p) => p.k));
  const perCluster = o.probe.clusterErrors
    .filter((e) => e.answers > 0)
    .map((e) => ({
      cluster: e.cluster,
      label: clusters[e.cluster]?.label ?? `cluster ${e.cluster + 1}`,
      passRate: 1 - e.errors / e.answers,
      probed: o.probe!.probes.filter((p) => p.cluster === e.cluster).length,
    }));
  const order = o.probe.probes.map((p, q) => ({ p, q })).sort((a, b) => a.p.passRate - b.p.passRate);
  const hardest = order.slice(0, HARDEST).map(({ p, q }) => {
    const problem = o.pool!.problems[o.probe!.indices[q]];
    return {
      id: problem.id,
      question: problem.question,
      gold: problem.answer,
      cluster: p.cluster,
      passRate: p.passRate,
      answers: o.probe!.answers[q].map((a) => judged(a.text, a.correct)),
    };
  });
  return { k, probed: o.probe.probes.length, perCluster, passRates: o.probe.probes.map((p) => p.passRate), hardest };
}

/** Each cluster's share of the problems a sample actually drew. */
function drawShares(sample: SampleOutput, assignments: number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  const drawn = sample.candidates.slice(0, sample.used);
  for (const i of drawn) counts[assignments[i]]++;
  return counts.map((c) => (drawn.length > 0 ? c / drawn.length : 0));
}

export function samplingView(o: RunOutputs, iteration: number): SamplingData | null {
  if (!o.sample || !o.clusters) return null;
  const clusters = clusterInfo(o.clusters, o.tags);
  const now = drawShares(o.sample, o.clusters.assignments, o.clusters.k);
  const previous = o.previousSample ? drawShares(o.previousSample, o.clusters.assignments, o.clusters.k) : null;
  const total = o.clusters.sizes.reduce((a, b) => a + b, 0);
  return {
    iteration,
    sampler: o.sample.sampler,
    drawn: o.sample.used,
    clusters: clusters.map((c) => ({ cluster: c.index, label: c.label, now: now[c.index], previous: previous ? previous[c.index] : null, random: total > 0 ? c.size / total : 0 })),
  };
}

export function pairsView(o: RunOutputs, iteration: number): PairsData | null {
  if (!o.pairs) return null;
  const byId = new Map((o.pool?.problems ?? []).map((p) => [p.id, p]));
  return {
    iteration,
    sampled: o.pairs.sampled,
    pairs: o.pairs.pairs.map((pair) => {
      const problem = byId.get(pair.problemId);
      return {
        problemId: pair.problemId,
        question: problem?.question ?? pair.prompt,
        gold: problem?.answer ?? '?',
        // chosen is a verified-right answer and rejected a verified-wrong one, by construction (src/loop/pairs.ts)
        chosen: judged(pair.chosen, true),
        rejected: judged(pair.rejected, false),
      };
    }),
  };
}

export function trainPoint(m: StepMetrics): TrainPoint {
  const pick = (name: string) => (typeof m[name] === 'number' ? (m[name] as number) : null);
  return { step: m.step, loss: pick('loss'), margins: pick('rewards/margins'), accuracies: pick('rewards/accuracies') };
}

export function trainingView(train: TrainOutput | undefined, iteration: number): TrainingData | null {
  if (!train) return null;
  return { iteration, totalSteps: train.steps.length, steps: train.skipped ? [] : train.steps.map(trainPoint) };
}

/** Knowledge points shown as heat-map rows (runs without held-out clusters): the most common in the held-out set. */
const HEAT_ROWS = 12;

/** Said in the caption when a run's evaluations have no per-cluster accuracy (saved before the held-out set was clustered). */
export const KNOWLEDGE_POINT_FALLBACK = 'This run was saved before held-out problems were placed in the knowledge clusters, so the rows are the held-out set\'s most common knowledge points instead.';

/**
 * Held-out accuracy per iteration, and the heat map's rows: the knowledge clusters (each held-out problem placed in
 * the pool's nearest cluster, named by the cluster's most common knowledge points in the pool); runs saved before
 * that fall back to knowledge points and say so.
 */
export function evaluationView(evals: Map<number, EvalOutput>, baseline?: Map<number, EvalOutput>): EvaluationData | null {
  if (evals.size === 0) return null;
  const iterations = [...evals.keys()].sort((a, b) => a - b);
  const hasClusters = iterations.some((it) => evals.get(it)!.perCluster);
  const heat = hasClusters ? clusterRows(evals, iterations) : knowledgePointRows(evals, iterations);
  return {
    ...heat,
    iterations: iterations.map((it) => ({ iteration: it, accuracy: evals.get(it)!.accuracy, perCluster: heat.cells(evals.get(it)!) })),
    baseline: baseline && baseline.size > 0 ? [...baseline.entries()].sort((a, b) => a[0] - b[0]).map(([iteration, e]) => ({ iteration, accuracy: e.accuracy })) : undefined,
  };
}

interface HeatRows {
  rowKind: string;
  clusters: EvaluationData['clusters'];
  note?: string;
  cells: (e: EvalOutput) => (number | null)[];
}

/** Every cluster that holds held-out problems in any evaluation, by id. */
function clusterRows(evals: Map<number, EvalOutput>, iterations: number[]): HeatRows {
  const rows = new Map<number, { label: string; count: number }>();
  for (const it of iterations) {
    for (const [id, v] of Object.entries(evals.get(it)!.perCluster ?? {})) {
      const label = v.knowledgePoints.length > 0 ? v.knowledgePoints.map(prettyTag).join(', ') : `cluster ${Number(id) + 1}`;
      rows.set(Number(id), { label, count: v.count });
    }
  }
  const ids = [...rows.keys()].sort((a, b) => a - b);
  return {
    rowKind: 'cluster',
    clusters: ids.map((id) => ({ cluster: id, label: rows.get(id)!.label, count: rows.get(id)!.count })),
    cells: (e) => ids.map((id) => e.perCluster?.[String(id)]?.accuracy ?? null),
  };
}

function knowledgePointRows(evals: Map<number, EvalOutput>, iterations: number[]): HeatRows {
  const counts = new Map<string, number>();
  for (const [kp, v] of Object.entries(evals.get(iterations[0])!.perKnowledgePoint)) counts.set(kp, v.count);
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, HEAT_ROWS).map(([kp]) => kp);
  return {
    rowKind: 'knowledge point',
    clusters: rows.map((kp, i) => ({ cluster: i, label: prettyTag(kp), count: counts.get(kp) })),
    note: KNOWLEDGE_POINT_FALLBACK,
    cells: (e) => rows.map((kp) => e.perKnowledgePoint[kp]?.accuracy ?? null),
  };
}

/** One finished (or partial) run as the Compare panel sees it. */
export interface ArmRun {
  sampler: string;
  seed: number;
  /** label of the arm, e.g. "sai" or "sai, balanced pool" */
  arm: string;
  accuracy: Map<number, number>;
}

/** Mean accuracy per arm and iteration with its 95% interval; paired differences to random at the last common iteration. */
export function compareView(runs: ArmRun[]): CompareData | null {
  // SAI-DPO's arms first, random sampling's last, so colours and legend read the same in every comparison
  const arms = [...new Set(runs.map((r) => r.arm))].sort((a, b) => Number(a.startsWith('random')) - Number(b.startsWith('random')) || a.localeCompare(b));
  if (arms.length === 0) return null;
  const series = arms.map((arm) => {
    const members = runs.filter((r) => r.arm === arm);
    const iterations = [...new Set(members.flatMap((r) => [...r.accuracy.keys()]))].sort((a, b) => a - b);
    return {
      label: arm,
      seeds: members.length,
      points: iterations.map((iteration) => {
        const values = members.map((r) => r.accuracy.get(iteration)).filter((v): v is number => v !== undefined);
        const interval = meanInterval(values);
        // one value has no interval: draw the band as the point itself
        const clamp = (v: number) => Math.max(0, Math.min(1, v));
        return { iteration, mean: interval.mean, low: Number.isNaN(interval.low) ? interval.mean : clamp(interval.low), high: Number.isNaN(interval.high) ? interval.mean : clamp(interval.high) };
      }),
    };
  });
  const differences: CompareData['differences'] = [];
  const randomArm = (arm: string) => arm.replace(/^[^,]+/, 'random');
  for (const arm of arms) {
    const base = randomArm(arm);
    if (arm === base || !arms.includes(base)) continue;
    const last = (r: ArmRun) => r.accuracy.get(Math.max(...r.accuracy.keys()));
    const own = new Map(runs.filter((r) => r.arm === arm).map((r) => [String(r.seed), last(r)!]));
    const other = new Map(runs.filter((r) => r.arm === base).map((r) => [String(r.seed), last(r)!]));
    const d = pairedDifference(own, other);
    // one seed has no interval: low and high stay NaN and the panel says so
    if (d.n > 0) differences.push({ label: `${arm} − ${base}`, seeds: d.n, mean: d.mean, low: d.low, high: d.high });
  }
  return { series, differences };
}
