// The plain data each stage panel draws. Panels know nothing of workers, the store or the loop: the lab maps
// the loop's stage outputs into these shapes (run-view.ts), and tests feed them sample data directly.

/** One problem of the pool as the knowledge map shows it. */
export interface MapPoint {
  id: string;
  /** the 2-D projection (PCA) of the problem's knowledge-point embedding */
  x: number;
  y: number;
  cluster: number;
  question: string;
  tags: string[];
  /** the self-aware difficulty's scalar form in [0, 1] (1 = hardest), null before the probe */
  difficulty: number | null;
  /** probed, and the model got at least one of its K answers wrong */
  probeFailed: boolean;
  /** drawn for training in the current iteration */
  sampled: boolean;
}

export interface ClusterInfo {
  index: number;
  /** a short name, e.g. the most common knowledge point of its problems */
  label: string;
  size: number;
}

export interface KnowledgeMapData {
  clusters: ClusterInfo[];
  points: MapPoint[];
}

/** One answer of the model to a problem, judged by the verifier. */
export interface JudgedAnswer {
  text: string;
  /** the final answer the verifier read from the text, null when it found none */
  extracted: string | null;
  correct: boolean;
}

export interface HardProblem {
  id: string;
  question: string;
  gold: string;
  cluster: number;
  passRate: number;
  answers: JudgedAnswer[];
}

export interface ProbeData {
  /** answers per probed problem (K) */
  k: number;
  probed: number;
  perCluster: { cluster: number; label: string; passRate: number; probed: number }[];
  /** pass rate of every probed problem, for the difficulty histogram */
  passRates: number[];
  /** the hardest problems first */
  hardest: HardProblem[];
}

export interface SamplingData {
  iteration: number;
  sampler: string;
  clusters: { cluster: number; label: string; now: number; previous: number | null; random: number }[];
  /** problems drawn this iteration */
  drawn: number;
}

export interface PairView {
  problemId: string;
  question: string;
  gold: string;
  chosen: JudgedAnswer;
  rejected: JudgedAnswer;
}

export interface PairsData {
  iteration: number;
  pairs: PairView[];
  /** problems sampled this iteration; pairs.length / sampled is the pair yield */
  sampled: number;
}

export interface TrainPoint {
  step: number;
  loss: number | null;
  margins: number | null;
  accuracies: number | null;
}

export interface TrainingData {
  iteration: number;
  totalSteps: number | null;
  steps: TrainPoint[];
}

export interface EvaluationData {
  /** what the heat map's rows are: "cluster" (held-out problems placed in the pool's clusters) or "knowledge point" (runs saved before that) */
  rowKind: string;
  /** the rows: cluster id (or row number) and its name; count: held-out problems in the row */
  clusters: { cluster: number; label: string; count?: number }[];
  /** why the rows are not clusters, when they are not (shown under the heat map) */
  note?: string;
  /** iteration 0 is the model before any training */
  iterations: { iteration: number; accuracy: number; perCluster: (number | null)[] }[];
  /** what random sampling reached at the same iterations, when a random arm ran */
  baseline?: { iteration: number; accuracy: number }[];
}

/** One arm of a comparison: its mean accuracy per iteration across seeds, with a 95% interval. */
export interface CompareSeries {
  label: string;
  seeds: number;
  points: { iteration: number; mean: number; low: number; high: number }[];
}

export interface CompareData {
  series: CompareSeries[];
  /** the paired difference of the final accuracy to random, when random is one of the arms */
  /** low and high are NaN with a single seed (no interval) */
  differences: { label: string; seeds: number; mean: number; low: number; high: number }[];
}

/** Where a long stage stands, for the progress bar and its ETA. */
export interface StageProgress {
  stage: string;
  iteration: number;
  /** 0..1 */
  fraction: number;
  /** seconds left, null while unknown */
  etaSeconds: number | null;
  detail?: string;
}
