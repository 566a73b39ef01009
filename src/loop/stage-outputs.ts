// What each stage saves (the store's values under its key, see events.ts stageKey): plain JSON, except the
// embeddings ([n, dim] float32 bytes), the cluster centroids ([k, dim] float32 bytes) and each iteration's adapter
// (PEFT safetensors bytes + adapter_config.json text).
import type { Problem } from '../data/problem.ts';
import type { ProblemProbe } from '../difficulty/probe-stats.ts';
import type { ClusterErrors } from '../sampling/sampler.ts';
import type { ClusterAccuracy } from './held-out-clusters.ts';
export type { ClusterAccuracy, HeldOutClustersOutput } from './held-out-clusters.ts';
import type { JudgedCompletion } from './pairs.ts';
import type { DpoPair, StepMetrics } from './trainer.ts';

export interface PoolOutput {
  problems: Problem[];
  heldOut: Problem[];
  notes: string[];
}
export interface TagsOutput {
  /** knowledge points of every pool problem, pool order */
  tags: string[][];
  given: number;
  zeroShot: number;
  untagged: number;
}
/** Saved with it: the K-means centroids, [k, embeddingDim] float32 bytes under CENTROIDS_KEY (held-out-clusters.ts). */
export interface ClustersOutput {
  k: number;
  assignments: number[];
  sizes: number[];
  /** [n, 2] row-major */
  projection: number[];
  embeddingDim: number;
  silhouette: number | null;
  notes: string[];
}
export interface ProbeOutput {
  skipped: boolean;
  seed: number;
  indices: number[];
  answers: JudgedCompletion[][];
  probes: ProblemProbe[];
  clusterErrors: ClusterErrors[];
  generations: number;
  accuracy: number | null;
}
export interface DifficultyOutput {
  skipped: boolean;
  /** pool order; rounded */
  passRate: number[];
  steps: number[];
  tokens: number[];
  score: number[];
  estimated: boolean[];
}
export interface SampleOutput {
  seed: number;
  sampler: string;
  /** pool indices in draw order */
  candidates: number[];
  /** how many of the candidates the budget uses (equal-pairs: up to all, in rounds) */
  used: number;
  clusterWeights: Record<string, number> | null;
  notes: string[];
}
export interface PairsOutput {
  seed: number;
  pairs: DpoPair[];
  /** problems that got K answers */
  sampled: number;
  withPair: number;
  allRight: number;
  allWrong: number;
  /** withPair / sampled */
  pairYield: number;
  /** answers generated in this stage (reused probe answers excluded) */
  generations: number;
  reused: number;
  rounds: number;
}
export interface TrainOutput {
  skipped: boolean;
  reason?: string;
  pairs: number;
  steps: StepMetrics[];
  hasAdapter: boolean;
}
export interface EvalOutput {
  accuracy: number;
  passAtK: number | null;
  perKnowledgePoint: Record<string, { accuracy: number; count: number }>;
  /**
   * by cluster id ("0", "1", ...; clusters holding held-out problems only): the held-out problems placed in the
   * pool's clusters (held-out-clusters.ts). Null when the run saved no centroids; absent in outputs saved before it.
   */
  perCluster?: Record<string, ClusterAccuracy> | null;
  meanSteps: number;
  meanTokens: number;
  /** right answers per held-out problem */
  correct: number[];
}
