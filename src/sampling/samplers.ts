// SAI-DPO's dynamic sampler and the baselines, behind one interface (sampler.ts).
//
// SAI-DPO (Rao et al. 2025) samples more from the knowledge clusters where the probe found the model weak and,
// within a cluster, prefers problems near the model's frontier. The paper gives no formula; ours:
//   cluster weight   w_c ∝ (e_c + α)^(1/T)                       (clusterWeight "errors")
//                    w_c ∝ ((e_c + α) / (a_c + 2α))^(1/T)         (clusterWeight "error-rate")
//     e_c: wrong probe answers in cluster c, a_c: probe answers judged there, α: smoothing (Laplace), T: temperature;
//   member weight    v_i = max(floor, 4 · p̂_i · (1 − p̂_i))     (the frontier: largest at p̂ = 1/2, `floor` at p̂ ∈ {0, 1})
//     p̂_i: the problem's (estimated) pass rate from src/difficulty.
// Baselines:
//   random             uniform without replacement;
//   curriculum         static: the pool ordered easy to hard by the data's difficulty label (ties in a fixed
//                      hash order), iteration t taking the t-th block of N (wrapping around);
//   prioritized        v_i = max(floor, 1 − p̂_i) over the whole pool (Kimi k1.5's prioritized sampling);
//   sai-no-knowledge   the frontier weights over the whole pool, no cluster weights;
//   sai-no-difficulty  the cluster weights, uniform within a cluster.
import type { SamplerName } from '../loop/config.ts';
import type { Rng } from '../util/random.ts';
import type { ClusterErrors, Draw, Sampler, SamplerContext, SamplerSettings } from './sampler.ts';
import { drawTwoLevel, type Group } from './weighted.ts';

export function clusterWeights(errors: ClusterErrors[], settings: SamplerSettings): Map<number, number> {
  const a = settings.smoothing;
  const raw = errors.map((e) => {
    const base = settings.clusterWeight === 'errors' ? e.errors + a : (e.errors + a) / (e.answers + 2 * a || 1);
    return [e.cluster, Math.pow(base, 1 / settings.temperature)] as const;
  });
  const total = raw.reduce((s, [, w]) => s + w, 0);
  return new Map(raw.map(([c, w]) => [c, total > 0 ? w / total : 1 / raw.length]));
}

export function frontierWeight(passRate: number, floor: number): number {
  return Math.max(floor, 4 * passRate * (1 - passRate));
}

function available(context: SamplerContext): number[] {
  const out: number[] = [];
  for (let i = 0; i < context.pool.length; i++) if (!context.excluded.has(i)) out.push(i);
  return out;
}

function shortfall(asked: number, got: number, avail: number): string[] {
  return got < asked ? [`asked for ${asked} problems, ${avail} could be drawn: drew ${got}`] : [];
}

function requireDifficulty(context: SamplerContext, name: string) {
  if (!context.difficulty) throw new Error(`sampler "${name}" needs the probe's difficulty, and this iteration has none`);
  return context.difficulty;
}

function byCluster(indices: number[], context: SamplerContext): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const i of indices) {
    const c = context.pool[i].cluster;
    const list = out.get(c);
    if (list) list.push(i);
    else out.set(c, [i]);
  }
  return out;
}

/** One group over `indices` with member weights from `weigh`. */
function flatDraw(indices: number[], weigh: (i: number) => number, n: number, rng: Rng): number[] {
  return drawTwoLevel([{ weight: 1, members: indices, memberWeights: indices.map(weigh) }], n, rng);
}

function saiSampler(name: string, useKnowledge: boolean, useDifficulty: boolean, settings: SamplerSettings): Sampler {
  return {
    name,
    needsProbe: true,
    draw(context, n, rng): Draw {
      const avail = available(context);
      const difficulty = useDifficulty ? requireDifficulty(context, name) : null;
      const member = (i: number) => (difficulty ? frontierWeight(difficulty[i].passRate, settings.frontierFloor) : 1);
      if (!useKnowledge) {
        const indices = flatDraw(avail, member, n, rng);
        return { indices, clusterWeights: null, notes: shortfall(n, indices.length, avail.length) };
      }
      if (!context.clusterErrors) throw new Error(`sampler "${name}" needs the probe's errors per cluster, and this iteration has none`);
      const weights = clusterWeights(context.clusterErrors, settings);
      const groups: Group[] = [...byCluster(avail, context)].map(([c, members]) => ({
        // clusterErrors lists every cluster (those the probe missed with 0 answers), so this is only a guard
        weight: weights.get(c) ?? 0,
        members,
        memberWeights: members.map(member),
      }));
      const indices = drawTwoLevel(groups, n, rng);
      return { indices, clusterWeights: Object.fromEntries([...weights].map(([c, w]) => [String(c), w])), notes: shortfall(n, indices.length, avail.length) };
    },
  };
}

const randomSampler: Sampler = {
  name: 'random',
  needsProbe: false,
  draw(context, n, rng) {
    const avail = available(context);
    const indices = rng.sample(avail, Math.min(n, avail.length));
    return { indices, clusterWeights: null, notes: shortfall(n, indices.length, avail.length) };
  },
};

/** FNV-1a of a string: the fixed tie order of the static curriculum. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const curriculumSampler: Sampler = {
  name: 'curriculum',
  needsProbe: false,
  draw(context, n) {
    const pool = context.pool;
    const order = pool
      .map((p, i) => ({ i, label: p.label ?? Number.POSITIVE_INFINITY, h: fnv1a(p.id) }))
      .sort((a, b) => a.label - b.label || a.h - b.h || a.i - b.i)
      .map((x) => x.i);
    const notes = pool.every((p) => p.label === null) ? ['the pool has no difficulty labels: the static curriculum is a fixed shuffle'] : [];
    const start = ((context.iteration - 1) * n) % Math.max(1, order.length);
    const indices: number[] = [];
    for (let k = 0; k < order.length && indices.length < n; k++) {
      const i = order[(start + k) % order.length];
      if (!context.excluded.has(i)) indices.push(i);
    }
    return { indices, clusterWeights: null, notes: [...notes, ...shortfall(n, indices.length, order.length - context.excluded.size)] };
  },
};

function prioritizedSampler(settings: SamplerSettings): Sampler {
  return {
    name: 'prioritized',
    needsProbe: true,
    draw(context, n, rng) {
      const difficulty = requireDifficulty(context, 'prioritized');
      const avail = available(context);
      const indices = flatDraw(avail, (i) => Math.max(settings.frontierFloor, 1 - difficulty[i].passRate), n, rng);
      return { indices, clusterWeights: null, notes: shortfall(n, indices.length, avail.length) };
    },
  };
}

export function makeSampler(name: SamplerName, settings: SamplerSettings): Sampler {
  switch (name) {
    case 'sai':
      return saiSampler(name, true, true, settings);
    case 'sai-no-knowledge':
      return saiSampler(name, false, true, settings);
    case 'sai-no-difficulty':
      return saiSampler(name, true, false, settings);
    case 'random':
      return randomSampler;
    case 'curriculum':
      return curriculumSampler;
    case 'prioritized':
      return prioritizedSampler(settings);
  }
}

/** The data's difficulty label as a number: 3, "3", "Level 3" → 3; anything else → null. */
export function numericLabel(label: string | number | undefined): number | null {
  if (typeof label === 'number') return Number.isFinite(label) ? label : null;
  if (typeof label !== 'string') return null;
  const m = /-?\d+(\.\d+)?/.exec(label);
  return m ? Number(m[0]) : null;
}
