// Picks the next token from one row of logits: greedy (temperature 0) or temperature + nucleus
// (top-p) sampling (Holtzman et al. 2020), driven by one uniform number from the sequence's RNG.

export interface SamplingOptions {
  /** 0 = greedy (argmax) */
  temperature: number;
  /** nucleus mass in (0, 1]; 1 keeps the whole distribution */
  topP: number;
}

/** Index of the largest value (the first one on ties). logits: [V] */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** Samples a token id. logits: [V]; `u` uniform in [0, 1). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, u: number): number {
  const { temperature, topP } = options;
  if (!(temperature >= 0)) throw new Error(`temperature must be >= 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`top-p must be in (0, 1], got ${topP}`);
  if (temperature === 0) return argmax(logits);
  const V = logits.length;
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i]);
  const probs = new Float64Array(V);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += probs[i] = Math.exp((logits[i] - max) / temperature);
  if (topP >= 1) return pickByMass(probs, Array.from({ length: V }, (_, i) => i), V, sum * u);
  // nucleus: the smallest set of most likely tokens whose mass reaches topP
  const order = nucleusCandidates(probs, topP * sum);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && mass < topP * sum) mass += probs[order[kept++]];
  return pickByMass(probs, order, kept, mass * u);
}

/**
 * The most likely tokens, sorted (descending, ties by id), enough to hold `mass`. Sorting a whole
 * vocabulary (150k tokens) per row per step is slow, so take every token above a threshold that
 * halves until their mass suffices: those are exactly the top tokens, so the nucleus is the same.
 */
function nucleusCandidates(probs: Float64Array, mass: number): number[] {
  let top = 0;
  for (let i = 0; i < probs.length; i++) top = Math.max(top, probs[i]);
  for (let threshold = top / 16; ; threshold /= 16) {
    const picked: number[] = [];
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] >= threshold) {
        picked.push(i);
        total += probs[i];
      }
    }
    if (total >= mass || threshold === 0 || picked.length === probs.length) return picked.sort((a, b) => probs[b] - probs[a] || a - b);
  }
}

/** The first of order[0..count) at which the running mass exceeds `target`. */
function pickByMass(probs: Float64Array, order: number[], count: number, target: number): number {
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += probs[order[i]];
    if (acc > target) return order[i];
  }
  // rounding: fall back to the last token with non-zero mass
  for (let i = count - 1; i >= 0; i--) if (probs[order[i]] > 0) return order[i];
  return order[0];
}
