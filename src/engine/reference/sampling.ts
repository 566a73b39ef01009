// The sampling rule shared by the CPU sampler and the GPU kernel (shaders/sample.wgsl), and its plain reference.
// Both must pick the same token for the same logits and uniform, so the rule is defined on integers wherever the
// floating point of a GPU may differ from the CPU's (exp, summation order, fused multiply-add):
//   1. m = max logit; z_i = f32(f32(m - l_i) · scale) with scale = f32(log2(e) / temperature): two correctly
//      rounded f32 operations, the same on every device (z_i = -log2 of token i's weight relative to the max).
//   2. weight w_i = EXP2[frac] >> int, where k = trunc(z_i · 2^16), int = k >> 16, frac = k & 0xffff and
//      EXP2[j] = round(2^32 · 2^-((j + 0.5) / 2^16)): a u32 fixed-point 2^-z_i, off by at most 2^(0.5/2^16) - 1
//      (5.3e-6) relative; tokens 2^32 times less likely than the top one (z_i ≥ 32) get weight 0.
//   3. Masses are exact integer sums (below 2^53 for vocabularies under 2^21 tokens; 64-bit on the GPU), so the
//      order of summation does not matter. S = Σ w_i.
//   4. Nucleus (Holtzman et al. 2020) with P = floor(topP · 2^32) (top-p 1: every token): need = max(1, ⌊S·P / 2^32⌋);
//      t* = the largest weight t with mass(w ≥ t) ≥ need; the nucleus is every token with w > t* and, of the
//      tokens with w = t* (ties, by id), the first k = ⌈(need - mass(w > t*)) / t*⌉. Its mass is S_n.
//   5. With U = floor(u · 2^32) from the sequence's RNG: target = ⌊S_n·U / 2^32⌋; the pick is the first nucleus
//      token, in id order, at which the running mass exceeds target.
//   Temperature 0 is argmax (the first of equal maxima; -0 and +0 are equal).

/** Bits of the fraction of z_i resolved by the table (step 1-2). */
export const EXP2_FRACTION_BITS = 16;
/** z_i at or beyond this gives weight 0 (the u32 weight would shift out). */
export const ZERO_WEIGHT_LOG2 = 32;
/** The largest scale used: finite even times 2^16, so z of the top token stays 0 however a compiler orders the products. */
const MAX_SCALE = 2 ** 100;
const TWO32 = 2 ** 32;

let table: Uint32Array | null = null;

/** EXP2[j] = round(2^32 · 2^-((j + 0.5) / 2^16)), j in [0, 2^16): the fixed-point weights of step 2. */
export function exp2Table(): Uint32Array {
  if (!table) {
    const n = 1 << EXP2_FRACTION_BITS;
    table = new Uint32Array(n);
    for (let j = 0; j < n; j++) table[j] = Math.min(TWO32 - 1, Math.round(TWO32 * 2 ** (-(j + 0.5) / n)));
  }
  return table;
}

/** scale = f32(log2(e) / temperature), at most 2^100. temperature > 0 */
export function samplingScale(temperature: number): number {
  return Math.min(MAX_SCALE, Math.fround(Math.LOG2E / temperature));
}

/** U = floor(u · 2^32) of a uniform u in [0, 1). */
export function uniformBits(u: number): number {
  return Math.min(TWO32 - 1, Math.max(0, Math.floor(u * TWO32)));
}

/** P = floor(topP · 2^32) for topP in (0, 1), at least 1; 0 for topP ≥ 1 (no nucleus cut). */
export function topPBits(topP: number): number {
  return topP >= 1 ? 0 : Math.max(1, Math.min(TWO32 - 1, Math.floor(topP * TWO32)));
}

/** Index of the largest value, the first one on ties. logits: [V] */
export function argmaxRef(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** Fixed-point weights of step 2 (temperature > 0).  logits: [V] → u32 [V] */
export function samplingWeights(logits: ArrayLike<number>, temperature: number): Uint32Array {
  const scale = samplingScale(temperature);
  const exp2 = exp2Table();
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, Math.fround(logits[i]));
  const w = new Uint32Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    const z = Math.fround(Math.fround(m - Math.fround(logits[i])) * scale);
    if (!(z < ZERO_WEIGHT_LOG2)) continue; // also NaN: weight 0
    const k = Math.trunc(z * 2 ** EXP2_FRACTION_BITS);
    w[i] = exp2[k & 0xffff] >>> (k >>> EXP2_FRACTION_BITS);
  }
  return w;
}

/** The nucleus of step 4: t* and how many of the tokens of weight t* (by id) it keeps. t* = 0 keeps everything. */
export function nucleusCut(w: Uint32Array, total: number, topP: number): { threshold: number; ties: number } {
  const P = topPBits(topP);
  if (P === 0) return { threshold: 0, ties: 0 };
  const need = bigMax(1n, (BigInt(total) * BigInt(P)) >> 32n);
  // the heaviest tokens: everything at or above a threshold that drops 16x until their mass reaches `need`
  let top = 0;
  for (let i = 0; i < w.length; i++) top = Math.max(top, w[i]);
  for (let threshold = Math.floor(top / 16); ; threshold = Math.floor(threshold / 16)) {
    const picked: number[] = [];
    let mass = 0;
    for (let i = 0; i < w.length; i++) {
      if (w[i] >= threshold && w[i] > 0) {
        picked.push(w[i]);
        mass += w[i];
      }
    }
    if (BigInt(mass) < need && threshold > 0) continue;
    picked.sort((a, b) => b - a);
    let cum = 0n;
    for (const x of picked) {
      cum += BigInt(x);
      if (cum >= need) {
        let above = 0n;
        for (const y of picked) if (y > x) above += BigInt(y);
        const t = BigInt(x);
        return { threshold: x, ties: Number((need - above + t - 1n) / t) };
      }
    }
    throw new Error('nucleusCut: the weights do not reach the nucleus mass'); // unreachable: need ≤ total
  }
}

/** The token the rule picks. logits: [V]; U: a u32 uniform (uniformBits). */
export function sampleRef(logits: ArrayLike<number>, options: { temperature: number; topP: number }, U: number): number {
  if (options.temperature === 0) return argmaxRef(logits);
  const w = samplingWeights(logits, options.temperature);
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i];
  if (total === 0) return argmaxRef(logits); // no finite logit
  const { threshold, ties } = nucleusCut(w, total, options.topP);
  const inNucleus = nucleusMembership(w, threshold, ties);
  let mass = 0;
  for (let i = 0; i < w.length; i++) if (inNucleus(i)) mass += w[i];
  const target = (BigInt(mass) * BigInt(U)) >> 32n;
  let cum = 0n;
  for (let i = 0; i < w.length; i++) {
    if (!inNucleus(i)) continue;
    cum += BigInt(w[i]);
    if (cum > target) return i;
  }
  throw new Error('sampleRef: no token reached the target'); // unreachable: target < mass
}

/** Membership test of the nucleus (w > t*, or among the first `ties` tokens of weight t*), for ids visited in order. */
function nucleusMembership(w: Uint32Array, threshold: number, ties: number): (i: number) => boolean {
  const rank = new Map<number, number>();
  let seen = 0;
  for (let i = 0; i < w.length && threshold > 0; i++) if (w[i] === threshold) rank.set(i, seen++);
  return (i) => w[i] > threshold || (threshold > 0 && w[i] === threshold && rank.get(i)! < ties);
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
