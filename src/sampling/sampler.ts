// The samplers: which pool problems an iteration trains on. SAI-DPO's dynamic sampler and the baselines it is
// compared with share this interface, so every arm of a comparison runs the same loop.
import type { DifficultyEntry } from '../difficulty/difficulty.ts';
import type { Rng } from '../util/random.ts';

export interface SamplerProblem {
  id: string;
  cluster: number;
  /** the data's own difficulty label as a number (curriculum level, MATH level), or null */
  label: number | null;
}

/** Per-cluster probe results: wrong answers found and answers judged. */
export interface ClusterErrors {
  cluster: number;
  errors: number;
  answers: number;
}

export interface SamplerContext {
  pool: SamplerProblem[];
  /** 1-based */
  iteration: number;
  /** difficulty of every pool problem (pool order), when the iteration probed */
  difficulty: DifficultyEntry[] | null;
  /** the probe's errors per cluster, when the iteration probed */
  clusterErrors: ClusterErrors[] | null;
  /** pool indices that may not be drawn (already drawn this iteration, or in earlier ones when reuse is "never") */
  excluded: ReadonlySet<number>;
}

export interface SamplerSettings {
  smoothing: number;
  temperature: number;
  frontierFloor: number;
  clusterWeight: 'errors' | 'error-rate';
}

export interface Draw {
  /** pool indices, in the order drawn */
  indices: number[];
  /** the sampling weight of each cluster (normalized), for plots; null when the sampler has none */
  clusterWeights: Record<string, number> | null;
  /** why fewer than asked were drawn, etc. */
  notes: string[];
}

export interface Sampler {
  readonly name: string;
  /** true when it reads the probe (difficulty or cluster errors) */
  readonly needsProbe: boolean;
  draw(context: SamplerContext, n: number, rng: Rng): Draw;
}
