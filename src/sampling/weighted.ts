// Weighted draws without replacement in two levels: a group (knowledge cluster) by its weight, then a member of
// that group by the member's weight; drawn members leave the pool, emptied groups leave the draw.
// Zero weights are allowed: when every remaining group (or member) weighs 0 the choice among them is uniform.
import type { Rng } from '../util/random.ts';

export interface Group {
  weight: number;
  members: number[];
  memberWeights: number[];
}

function pickIndex(weights: number[], rng: Rng): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return Math.floor(rng.next() * weights.length);
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  // rounding left u ≥ 0 past the end: the last member with weight
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}

/** Draws up to `n` members (fewer when the groups run out); returns them in the order drawn. */
export function drawTwoLevel(groups: Group[], n: number, rng: Rng): number[] {
  const live = groups
    .filter((g) => g.members.length > 0)
    .map((g) => ({ weight: g.weight, members: [...g.members], memberWeights: [...g.memberWeights] }));
  const out: number[] = [];
  while (out.length < n && live.length > 0) {
    const gi = pickIndex(live.map((g) => g.weight), rng);
    const g = live[gi];
    const mi = pickIndex(g.memberWeights, rng);
    out.push(g.members[mi]);
    g.members.splice(mi, 1);
    g.memberWeights.splice(mi, 1);
    if (g.members.length === 0) live.splice(gi, 1);
  }
  return out;
}
