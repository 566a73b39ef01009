// Evaluation: K answers per problem from a generation backend, judged by the verifier. Used by `sai-dpo eval`,
// the loop's held-out evaluation after every iteration, and the model card's numbers.
import type { Problem } from '../data/problem.ts';
import type { GenerationBackend } from '../loop/backend.ts';
import { verify } from '../verify/index.ts';
import { passAtK } from './pass-at-k.ts';
import { formatPrompt } from './prompt.ts';
import { countSteps } from './response-shape.ts';

export interface EvalOptions {
  /** answers per problem (default 1) */
  k?: number;
  /** 0 = greedy (default) */
  temperature?: number;
  topP?: number;
  seed?: number;
  maxNewTokens?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface JudgedAnswer {
  text: string;
  tokens: number;
  steps: number;
  correct: boolean;
  /** the answer the verifier found in the text, or null */
  extracted: string | null;
}

export interface EvalItem {
  problemId: string;
  knowledgePoints: string[];
  gold: string;
  correct: number;
  answers: JudgedAnswer[];
}

export interface EvalResult {
  /** mean share of correct answers per problem (pass@1 when k > 1) */
  accuracy: number;
  /** unbiased pass@k over the k answers of each problem */
  passAtK: number;
  k: number;
  perKnowledgePoint: Record<string, { accuracy: number; count: number }>;
  meanSteps: number;
  meanTokens: number;
  items: EvalItem[];
}

export const EVAL_DEFAULTS = { k: 1, temperature: 0, topP: 1, seed: 1, maxNewTokens: 256 } as const;

export async function evaluate(backend: GenerationBackend, problems: Problem[], options: EvalOptions = {}): Promise<EvalResult> {
  const o = { ...EVAL_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof EVAL_DEFAULTS & EvalOptions;
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`k must be a positive integer, got ${o.k}`);
  const completions = await backend.generate({
    prompts: problems.map(formatPrompt),
    n: o.k,
    sampling: { temperature: o.temperature, topP: o.topP, maxNewTokens: o.maxNewTokens },
    seed: o.seed,
    onProgress: o.onProgress,
    signal: o.signal,
  });
  const items = problems.map((p, i): EvalItem => {
    const answers = completions[i].map((c): JudgedAnswer => {
      const v = verify(c.text, p.answer);
      return { text: c.text, tokens: c.tokens, steps: countSteps(c.text), correct: v.equal, extracted: v.extracted };
    });
    return { problemId: p.id, knowledgePoints: p.knowledge_points ?? [], gold: p.answer, correct: answers.filter((a) => a.correct).length, answers };
  });
  return summarize(items, o.k);
}

export function summarize(items: EvalItem[], k: number): EvalResult {
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const share = (it: EvalItem) => it.correct / it.answers.length;
  const byKp = new Map<string, number[]>();
  for (const it of items) {
    for (const kp of it.knowledgePoints.length > 0 ? it.knowledgePoints : ['(untagged)']) {
      (byKp.get(kp) ?? byKp.set(kp, []).get(kp)!).push(share(it));
    }
  }
  const answers = items.flatMap((it) => it.answers);
  return {
    accuracy: mean(items.map(share)),
    passAtK: mean(items.map((it) => passAtK(it.answers.length, it.correct, Math.min(k, it.answers.length)))),
    k,
    perKnowledgePoint: Object.fromEntries([...byKp].sort(([a], [b]) => a.localeCompare(b)).map(([kp, xs]) => [kp, { accuracy: mean(xs), count: xs.length }])),
    meanSteps: mean(answers.map((a) => a.steps)),
    meanTokens: mean(answers.map((a) => a.tokens)),
    items,
  };
}
