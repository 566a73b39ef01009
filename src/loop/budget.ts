// Budgets, so that every arm of a comparison gets the same amount of something (config.budget.mode):
//  - equal-generations: every iteration spends at most `generations` answers, the probe's included (so a probing
//    sampler has fewer left for pairs); a sampled problem costs K answers, or none when it reuses the probe's;
//  - equal-pairs: problems are taken in rounds of sampler.problems until `pairs` pairs (or maxRounds rounds);
//  - problems: sampler.problems problems per iteration, whatever they cost.
// The sampler draws one ordered list of candidates; the budget decides how much of it is used.
import type { ExperimentConfig } from './config.ts';

/** How many candidates the sample stage draws. */
export function candidateCount(config: ExperimentConfig, probeGenerations: number, reusable: number, poolSize: number): number {
  const K = config.pairs.answers;
  const b = config.budget;
  const want = b.mode === 'problems'
    ? config.sampler.problems
    : b.mode === 'equal-pairs'
      ? config.sampler.problems * b.maxRounds
      : Math.floor(Math.max(0, b.generations - probeGenerations) / K) + reusable;
  return Math.min(poolSize, want);
}

/**
 * equal-generations: the prefix of the candidates that fits the budget (walking in draw order, skipping nothing);
 * the other modes use every candidate (equal-pairs stops early in the pairs stage).
 */
export function usedPrefix(config: ExperimentConfig, candidates: number[], probeGenerations: number, isReusable: (i: number) => boolean): number {
  if (config.budget.mode !== 'equal-generations') return candidates.length;
  let left = config.budget.generations - probeGenerations;
  let n = 0;
  for (const i of candidates) {
    const cost = isReusable(i) ? 0 : config.pairs.answers;
    if (cost > left) break;
    left -= cost;
    n++;
  }
  return n;
}
