// What the probe measures per problem: K answers judged by the verifier give the correct count c, the pass rate
// c/K, the unbiased pass@k (Chen et al. 2021, src/eval/pass-at-k.ts), and the mean reasoning steps (counted as
// src/eval/response-shape.ts does) and length of the answers.
import { passAtK } from '../eval/pass-at-k.ts';

export interface JudgedAnswer {
  /** generated tokens */
  tokens: number;
  /** reasoning steps (src/eval/response-shape.ts) */
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
    passAt1: passAtK(k, correct, 1),
    passAtK: passAtK(k, correct, k),
    meanSteps: mean((a) => a.steps),
    meanTokens: mean((a) => a.tokens),
  };
}
