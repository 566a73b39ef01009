// What the probe measures per problem: K answers judged by the verifier give the correct count c, the pass rate
// c/K, the unbiased pass@k (Chen et al. 2021), and the mean reasoning steps and length of the answers.

export interface JudgedAnswer {
  /** generated tokens */
  tokens: number;
  /** reasoning steps: non-empty lines of the answer */
  steps: number;
  correct: boolean;
}

export interface ProblemProbe {
  id: string;
  cluster: number;
  /** answers judged */
  k: number;
  correct: number;
  /** c / k */
  passRate: number;
  /** unbiased pass@1 and pass@k */
  passAt1: number;
  passAtK: number;
  /** means over all k answers */
  meanSteps: number;
  meanTokens: number;
}

/** Reasoning steps of an answer: its non-empty lines (a one-line answer is one step). */
export function countSteps(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return Math.max(n, 1);
}

/** Unbiased pass@k from n samples with c correct: 1 − C(n−c, k) / C(n, k) (Chen et al. 2021, eq. 1), as a stable product. */
export function passAtKEstimate(n: number, c: number, k: number): number {
  if (!(k >= 1 && k <= n && c >= 0 && c <= n)) throw new Error(`pass@k: need 1 ≤ k ≤ n and 0 ≤ c ≤ n, got n=${n} c=${c} k=${k}`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

export function summarizeProbe(id: string, cluster: number, answers: JudgedAnswer[]): ProblemProbe {
  const k = answers.length;
  if (k === 0) throw new Error(`probe of "${id}": no answers`);
  const correct = answers.filter((a) => a.correct).length;
  const mean = (f: (a: JudgedAnswer) => number) => answers.reduce((s, a) => s + f(a), 0) / k;
  return {
    id,
    cluster,
    k,
    correct,
    passRate: correct / k,
    passAt1: passAtKEstimate(k, correct, 1),
    passAtK: passAtKEstimate(k, correct, k),
    meanSteps: mean((a) => a.steps),
    meanTokens: mean((a) => a.tokens),
  };
}
