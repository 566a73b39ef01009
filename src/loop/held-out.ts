// Held-out evaluation of the policy: `samples` answers per problem (1 = greedy when temperature is 0), judged by the
// verifier; accuracy = share of answers right (pass@1), pass@k with the unbiased estimator, and both per knowledge
// point (a problem counts once for each of its points; "(none)" for untagged problems).
import type { Problem } from '../data/problem.ts';
import { countSteps, passAtKEstimate } from '../difficulty/probe-stats.ts';
import { formatPrompt } from '../eval/prompt.ts';
import { judge, type JudgeMode } from '../verify/index.ts';
import type { GenerationBackend } from './backend.ts';

export interface HeldOutOptions {
  samples: number;
  temperature: number;
  maxNewTokens: number;
  seed: number;
  judgeMode: JudgeMode;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface HeldOutResult {
  accuracy: number;
  passAtK: number;
  perKnowledgePoint: Record<string, { accuracy: number; count: number }>;
  meanSteps: number;
  meanTokens: number;
  /** right answers per problem, held-out order */
  correct: number[];
}

export async function evaluateHeldOut(backend: GenerationBackend, problems: Problem[], options: HeldOutOptions): Promise<HeldOutResult> {
  const k = options.samples;
  const completions = await backend.generate({
    prompts: problems.map(formatPrompt), n: k, seed: options.seed, signal: options.signal, onProgress: options.onProgress,
    sampling: { temperature: options.temperature, topP: 1, maxNewTokens: options.maxNewTokens },
  });
  const correct = problems.map((p, i) => completions[i].filter((c) => judge(c.text, p.answer, { mode: options.judgeMode }).equal).length);
  const all = completions.flat();
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const byPoint = new Map<string, number[]>();
  problems.forEach((p, i) => {
    for (const kp of p.knowledge_points?.length ? p.knowledge_points : ['(none)']) byPoint.set(kp, [...(byPoint.get(kp) ?? []), correct[i] / k]);
  });
  return {
    accuracy: mean(correct.map((c) => c / k)),
    passAtK: mean(correct.map((c) => passAtKEstimate(k, c, k))),
    perKnowledgePoint: Object.fromEntries([...byPoint].sort().map(([kp, xs]) => [kp, { accuracy: mean(xs), count: xs.length }])),
    meanSteps: mean(all.map((c) => countSteps(c.text))),
    meanTokens: mean(all.map((c) => c.tokens)),
    correct,
  };
}
