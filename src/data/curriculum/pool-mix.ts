// The curriculum pool's skill mix: which knowledge points a generated pool is made of.
//
// Whether weakness-driven sampling helps depends on the pool: a real training pool is dominated by skills the
// model has largely mastered, with a minority at its frontier and some out of reach. "imbalanced" (the lab's
// default) mirrors that for the built-in model; "balanced" draws every generator about equally.
// The tiers are tiny-math's greedy accuracy per generator on 600 held-out level-1 problems (its model card,
// eval_results.json "skillTiers"; a test keeps the two equal): mastered ≥ 60% right, out of reach < 15%, the
// frontier between. Retraining tiny-math means measuring them again.
import type { Problem } from '../problem.ts';
import { Rng } from '../../util/random.ts';
import { generateCurriculum, GENERATORS, type Split } from './index.ts';
import { mixSeed } from './rng.ts';

export const POOL_MIXES = ['imbalanced', 'balanced'] as const;
/** The levels the lab draws from by default (1..this): tiny-math, the built-in model, is trained on level 1. */
export const DEFAULT_MAX_LEVEL = 1;
export type PoolMix = (typeof POOL_MIXES)[number];
export type SkillTier = 'mastered' | 'frontier' | 'out-of-reach';

/** Generator ids per tier, from tiny-math's model card (see above). */
export const SKILL_TIERS: Record<SkillTier, readonly string[]> = {
  mastered: ['add', 'fraction-add-sub', 'fraction-mul-div', 'multiply', 'order-of-operations', 'ratio-scale', 'rectangle', 'subtract'],
  frontier: ['arithmetic-sequence', 'decimal-add-sub', 'decimal-multiply', 'divide-remainder', 'divisibility', 'gcd-lcm', 'linear-equation', 'multi-step', 'percent-of', 'percent-ratio', 'ratio-share', 'triangle-area', 'unit-conversion'],
  'out-of-reach': ['mean'],
};

/** Share of an imbalanced pool drawn from each tier. */
export const IMBALANCED_SHARES: Record<SkillTier, number> = { mastered: 0.7, frontier: 0.2, 'out-of-reach': 0.1 };

export interface PoolOptions {
  seed: number;
  count: number;
  mix: PoolMix;
  /** default "train" */
  split?: Split;
  /** only difficulty levels 1..maxLevel (default: every level) */
  maxLevel?: number;
}

/** `count` distinct problems in the asked mix, in a seeded random order; the same options give the same pool. */
export function curriculumPool(options: PoolOptions): Problem[] {
  const split = options.split ?? 'train';
  const levels = levelsUpTo(options.maxLevel);
  if (!POOL_MIXES.includes(options.mix)) throw new Error(`curriculum pool: mix must be ${POOL_MIXES.join(' or ')}, got "${String(options.mix)}"`);
  if (options.mix === 'balanced') return generateCurriculum({ seed: options.seed, count: options.count, split, levels });
  const tiers = Object.keys(IMBALANCED_SHARES) as SkillTier[];
  const counts = shareCounts(options.count, tiers.map((t) => IMBALANCED_SHARES[t]));
  const problems = tiers.flatMap((tier, i) =>
    counts[i] === 0 ? [] : generateCurriculum({ seed: mixSeed(options.seed, i + 1), count: counts[i], split, levels, generators: [...SKILL_TIERS[tier]] }),
  );
  return new Rng(mixSeed(options.seed, 0x9001)).shuffled(problems);
}

/** Levels 1..maxLevel, or undefined (every level) when no maximum is given. */
export function levelsUpTo(maxLevel: number | undefined): number[] | undefined {
  if (maxLevel === undefined) return undefined;
  if (!Number.isInteger(maxLevel) || maxLevel < 1) throw new Error(`curriculum pool: maxLevel must be a whole number ≥ 1, got ${maxLevel}`);
  return Array.from({ length: maxLevel }, (_, i) => i + 1);
}

/** Splits `total` by `shares` (largest remainders), so the counts add up exactly. */
function shareCounts(total: number, shares: number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((s) => (total * s) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[order[k % order.length][1]]++;
  return counts;
}

/** The tier of a generator (every generator is in exactly one; checked by the tests). */
export function tierOf(generatorId: string): SkillTier {
  for (const tier of Object.keys(SKILL_TIERS) as SkillTier[]) if (SKILL_TIERS[tier].includes(generatorId)) return tier;
  throw new Error(`curriculum pool: generator "${generatorId}" is in no skill tier (known: ${GENERATORS.map((g) => g.id).join(', ')})`);
}
