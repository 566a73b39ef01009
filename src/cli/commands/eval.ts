// sai-dpo eval: a model's accuracy on held-out problems (or any pool), judged by the verifier; one JSON object out.
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { evaluate, EVAL_DEFAULTS } from '../../eval/evaluate.ts';
import { DATA_HELP, evalProblems, SYNTHETIC } from '../../eval/problems.ts';
import { DEFAULT_MAX_LEVEL } from '../../data/curriculum/pool-mix.ts';
import { engineBackend } from '../../loop/engine-backend.ts';
import { DTYPE_SPEC, EXIT_CODES, optionsHelp, parseCommandLine, UsageError } from '../args.ts';

export const summary = 'accuracy, pass@k and per-knowledge-point accuracy of a model on held-out problems';

const OPTIONS = {
  model: { kind: 'string', required: true, placeholder: 'DIR', help: 'the model folder (try public/models/tiny-math first)' },
  data: { kind: 'string', default: SYNTHETIC, placeholder: 'SET', help: DATA_HELP },
  n: { kind: 'integer', min: 1, default: 500, help: 'problems (a seeded sample when the set is larger)' },
  'max-level': { kind: 'integer', min: 1, max: 3, default: DEFAULT_MAX_LEVEL, help: 'synthetic only: curriculum levels 1..N (tiny-math is trained on level 1)' },
  k: { kind: 'integer', min: 1, default: EVAL_DEFAULTS.k, help: 'answers per problem' },
  temperature: { kind: 'number', min: 0, default: EVAL_DEFAULTS.temperature, help: 'sampling temperature; 0 = greedy' },
  'top-p': { kind: 'number', above: 0, max: 1, default: EVAL_DEFAULTS.topP, help: 'nucleus sampling mass' },
  seed: { kind: 'integer', min: 0, default: EVAL_DEFAULTS.seed, help: 'selects the problems and seeds the sampling' },
  'max-tokens': { kind: 'integer', min: 1, default: EVAL_DEFAULTS.maxNewTokens, help: 'new tokens per answer at most' },
  dtype: DTYPE_SPEC,
  items: { kind: 'flag', help: 'also print every problem\'s answers and verdicts' },
} as const;

export const usage = `usage: sai-dpo eval --model DIR [--data synthetic|SET|FILE.jsonl] [options]

Prints one JSON object: {"accuracy", "pass@k", "k", "n", "per_knowledge_point": {id: {"accuracy", "count"}},
"mean_steps", "mean_tokens", "seconds"}. accuracy is the mean share of correct answers per problem (pass@1);
pass@k is the unbiased estimator of Chen et al. (2021). An answer is correct when the verifier finds the gold
answer in it; an empty answer (the first token was EOS) is wrong. Steps are the non-empty lines before "Answer:".

options:
${optionsHelp(OPTIONS)}
${EXIT_CODES}
`;

export async function run(args: string[]): Promise<number> {
  const v = parseCommandLine(args, OPTIONS);
  if (v.k > 1 && v.temperature === 0) throw new UsageError('--k above 1 needs --temperature above 0 (greedy answers are all the same)');
  const started = performance.now();
  let skipped = 0;
  const problems = await evalProblems(v.data, v.n, v.seed, {
    maxLevel: v['max-level'],
    onSkipped: (line, reason) => {
      skipped++;
      process.stderr.write(`${v.data}: line ${line} skipped: ${reason}\n`);
    },
  });
  const backend = await engineBackend(nodeSource(resolve(v.model)), { dtype: v.dtype as 'f32' | 'q8' | 'q4' });
  try {
    let last = 0;
    const result = await evaluate(backend, problems, {
      k: v.k, temperature: v.temperature, topP: v['top-p'], seed: v.seed, maxNewTokens: v['max-tokens'],
      onProgress: (done, total) => {
        if (!process.stderr.isTTY || performance.now() - last < 500) return;
        last = performance.now();
        process.stderr.write(`\reval: ${done}/${total} answers`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const out = {
      accuracy: round(result.accuracy),
      'pass@k': round(result.passAtK),
      k: result.k,
      n: problems.length,
      per_knowledge_point: Object.fromEntries(Object.entries(result.perKnowledgePoint).map(([kp, s]) => [kp, { accuracy: round(s.accuracy), count: s.count }])),
      mean_steps: round(result.meanSteps),
      mean_tokens: round(result.meanTokens),
      seconds: round((performance.now() - started) / 1000),
      model: v.model, data: v.data, seed: v.seed, temperature: v.temperature, dtype: v.dtype,
      ...(v.items ? { items: result.items } : {}),
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    return skipped > 0 ? 1 : 0;
  } finally {
    backend.policy.dispose();
  }
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
