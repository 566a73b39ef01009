// Held-out evaluation of the policy: `samples` answers per problem (1 = greedy when temperature is 0), judged by the
// verifier in the run's judge mode, summarized as src/eval does (accuracy = mean share of right answers, unbiased
// pass@k, both per knowledge point).
import type { Problem } from '../data/problem.ts';
import { summarize, type EvalItem, type EvalResult } from '../eval/evaluate.ts';
import { formatPrompt } from '../eval/prompt.ts';
import { countSteps } from '../eval/response-shape.ts';
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

export async function evaluateHeldOut(backend: GenerationBackend, problems: Problem[], options: HeldOutOptions): Promise<EvalResult> {
  const completions = await backend.generate({
    prompts: problems.map(formatPrompt), n: options.samples, seed: options.seed, signal: options.signal, onProgress: options.onProgress,
    sampling: { temperature: options.temperature, topP: 1, maxNewTokens: options.maxNewTokens },
  });
  const items = problems.map((p, i): EvalItem => {
    const answers = completions[i].map((c) => {
      const verdict = judge(c.text, p.answer, { mode: options.judgeMode });
      return { text: c.text, tokens: c.tokens, steps: countSteps(c.text), correct: verdict.equal, extracted: verdict.predAnswer };
    });
    return { problemId: p.id, knowledgePoints: p.knowledge_points ?? [], gold: p.answer, correct: answers.filter((a) => a.correct).length, answers };
  });
  return summarize(items, options.samples);
}
