// Evaluates tiny-math and writes its model card (README.md) and eval_results.json: greedy accuracy at f32, q8 and
// q4 on the same held-out problems, per knowledge point, the pair yield at K = 8, and a small reproducible check
// that the tests rerun. Usage: node bin/run-ts.mjs scripts/tiny-math/card.ts MODEL_DIR [PHASE1_LOG.jsonl PHASE2_LOG.jsonl]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeSource } from '../../src/engine/files/source.ts';
import { evaluate, type EvalResult } from '../../src/eval/evaluate.ts';
import { evalProblems, SYNTHETIC } from '../../src/eval/problems.ts';
import { loadPolicy } from '../../src/loop/engine-backend.ts';

/** What the card reports; eval seeds differ from the seed of the held-out set watched during training (8). */
export const CARD_EVALS = {
  maxLevel: 1, // held-out problems of curriculum level 1, what phase 2 trains on and the lab's pool draws from
  greedy: { n: 300, seed: 1 },
  confirm: { n: 300, seed: 2 },
  pairs: { n: 100, seed: 3, k: 8, temperature: 0.8 },
  reproduce: { n: 30, seed: 4 },
} as const;

async function run(dir: string, dtype: 'f32' | 'q8' | 'q4', n: number, seed: number, k = 1, temperature = 0): Promise<EvalResult & { seconds: number }> {
  const started = performance.now();
  const policy = await loadPolicy(nodeSource(dir), { dtype });
  try {
    const problems = await evalProblems(SYNTHETIC, n, seed, { maxLevel: CARD_EVALS.maxLevel });
    const result = await evaluate(policy.backend, problems, { k, temperature, seed });
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    policy.dispose();
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'public/models/tiny-math');
  const trainLogs = process.argv.slice(3);
  const e = CARD_EVALS;
  const results: Record<string, EvalResult & { seconds: number }> = {};
  for (const dtype of ['f32', 'q8', 'q4'] as const) {
    results[dtype] = await run(dir, dtype, e.greedy.n, e.greedy.seed);
    log(`${dtype}: ${pct(results[dtype].accuracy)} in ${results[dtype].seconds.toFixed(0)} s`);
  }
  results.confirm = await run(dir, 'f32', e.confirm.n, e.confirm.seed);
  log(`confirm: ${pct(results.confirm.accuracy)}`);
  results.pairs = await run(dir, 'f32', e.pairs.n, e.pairs.seed, e.pairs.k, e.pairs.temperature);
  const mixed = results.pairs.items.filter((it) => it.correct > 0 && it.correct < it.answers.length).length / results.pairs.items.length;
  log(`pairs: ${pct(mixed)} of problems have right and wrong answers`);
  results.reproduce = await run(dir, 'f32', e.reproduce.n, e.reproduce.seed);

  const summary = (r: EvalResult & { seconds: number }) => ({
    accuracy: r.accuracy, passAtK: r.passAtK, k: r.k, meanSteps: r.meanSteps, meanTokens: r.meanTokens, seconds: r.seconds,
    perKnowledgePoint: r.perKnowledgePoint, perGenerator: perGenerator(r),
  });
  const json = {
    evals: CARD_EVALS,
    results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, summary(r)])),
    pairYield: mixed,
    skillTiers: skillTiers(results.f32, results.confirm),
    reproduce: { correct: results.reproduce.items.map((it) => it.correct) },
  };
  writeFileSync(join(dir, 'eval_results.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, 'README.md'), card(json, results, trainLogs));
  log(`wrote ${join(dir, 'README.md')} and eval_results.json`);
}

/** Accuracy per curriculum generator (the pool mix's skill tiers are made of generators): id → [share right, count]. */
function perGenerator(r: EvalResult): Record<string, [number, number]> {
  const tally = new Map<string, [number, number]>();
  for (const it of r.items) {
    const generator = it.problemId.split('/')[1];
    const t = tally.get(generator) ?? [0, 0];
    tally.set(generator, [t[0] + it.correct / it.answers.length, t[1] + 1]);
  }
  return Object.fromEntries([...tally].sort().map(([g, [right, n]]) => [g, [Math.round((1000 * right) / n) / 1000, n]]));
}

/** Tier thresholds on greedy accuracy (seeds 1 and 2 pooled): the pool mix's "imbalanced" draws 70/20/10 from them. */
export const TIER_RULE = { mastered: 0.6, frontier: 0.15 } as const;

/** Generators by tier: mastered at ≥ 60% right, out of reach under 15%, the frontier between (src/data/curriculum/pool-mix.ts). */
function skillTiers(a: EvalResult, b: EvalResult): Record<'mastered' | 'frontier' | 'out-of-reach', string[]> {
  const tiers = { mastered: [] as string[], frontier: [] as string[], 'out-of-reach': [] as string[] };
  const pa = perGenerator(a);
  const pb = perGenerator(b);
  for (const g of Object.keys({ ...pa, ...pb }).sort()) {
    const [ra, na] = pa[g] ?? [0, 0];
    const [rb, nb] = pb[g] ?? [0, 0];
    const acc = (ra * na + rb * nb) / (na + nb);
    tiers[acc >= TIER_RULE.mastered ? 'mastered' : acc >= TIER_RULE.frontier ? 'frontier' : 'out-of-reach'].push(g);
  }
  return tiers;
}

function trainingFacts(trainLog: string | undefined): string {
  if (!trainLog || !existsSync(trainLog)) return '(training log not available)';
  const lines = readFileSync(trainLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.find((l) => l.done === true) ?? [...lines].reverse().find((l) => typeof l.tokens === 'number') ?? {};
  return `${last.step} steps, ${Number(last.tokens).toLocaleString('en')} tokens (padding included), ${Math.round(Number(last.seconds) / 60)} minutes`;
}

function card(json: { pairYield: number; skillTiers: Record<string, string[]> }, r: Record<string, EvalResult & { seconds: number }>, trainLogs: string[]): string {
  const kps = Object.keys(r.f32.perKnowledgePoint);
  const rows = kps.map((kp) => `| ${kp} | ${pct(r.f32.perKnowledgePoint[kp].accuracy)} | ${pct(r.confirm.perKnowledgePoint[kp]?.accuracy ?? 0)} | ${r.f32.perKnowledgePoint[kp].count} |`);
  return `---
license: mit
language: en
tags: [llama, math, sai-dpo-lab]
---
# tiny-math

The SAI-DPO Lab's built-in model: a 0.8M-parameter Llama (hidden 128, 4 layers, 4 attention heads over 2
key/value heads, SwiGLU 384, RoPE; untied embeddings) with a character-level tokenizer (printable ASCII, newline,
\`×\`, \`÷\`; anything else is \`<unk>\`), trained from scratch on the lab's synthetic curriculum. It solves some kinds
of problems well and others badly, on purpose: the lab is for finding and fixing such weaknesses.

Prompt: \`<s>\` + the question + a newline (the tokenizer adds \`<s>\`). Answer: one step per line, the last line
\`Answer: X\`, then \`</s>\`.

## Training
Two phases, both with the loss on the solution tokens only, AdamW (betas 0.9/0.95, weight decay 0.1), warm-up then
cosine to 10% of the peak rate, batches grouped by length, gradient clipping at 1. Five skills are kept at 15% of
their share in both, so the model is weak on them: gcd-lcm, percent-ratio, ratio-share, arithmetic-sequence, mean.
1. **The whole curriculum** (levels 1–3, \`make-data.ts\`, seed 7, 100,000 problems drawn): the answer format and
   the problems' wording. ${trainingFacts(trainLogs[0])}; lr 2e-3, batches of about 4,096 tokens.
2. **Level 1**, the lab's default pool (\`make-data.ts --levels 1 --per-generator 7000\`, seed 7: 7,000 problems per
   skill, a skill with fewer distinct level-1 problems repeats them): the arithmetic facts small numbers need.
   ${trainingFacts(trainLogs[1])}; lr 1e-3, batches of about 8,192 tokens, starting from phase 1's weights.
- Hardware: 2 CPU cores (AMD EPYC), PyTorch 1.13 (Debian's python3-torch with OpenBLAS), shared with other work.
- Command: \`bash scripts/tiny-math/retrain.sh\` (data, both phases, folder, PyTorch log-probs for the engine test,
  this card). Each phase resumes from its checkpoints when run again.

## Evaluation
Held-out level-1 curriculum problems (the test split: no problem shares its numbers with a training problem), greedy,
judged by the lab's verifier. Reproduce with
\`npx sai-dpo eval --model public/models/tiny-math --n 300 --seed 1 --max-level 1 --dtype f32\`.

| weights | accuracy (seed 1, 300 problems) | mean steps | mean tokens | seconds (lavapipe) |
|---|---|---|---|---|
${(['f32', 'q8', 'q4'] as const).map((d) => `| ${d} | ${pct(r[d].accuracy)} | ${r[d].meanSteps.toFixed(2)} | ${r[d].meanTokens.toFixed(1)} | ${r[d].seconds.toFixed(0)} |`).join('\n')}

On other held-out problems (seed 2, f32): ${pct(r.confirm.accuracy)}.

Skills by greedy accuracy (seeds 1 and 2 pooled), the tiers the lab's "imbalanced" pool is drawn from:
${Object.entries(json.skillTiers).map(([tier, gs]) => `- ${tier}: ${gs.join(', ') || '(none)'}`).join('\n')}

With K = 8 answers at temperature 0.8 (100 problems, seed 3): pass@8 ${pct(r.pairs.passAtK)}, pass@1 ${pct(r.pairs.accuracy)};
**${pct(json.pairYield)} of problems get both right and wrong answers** (each gives a DPO pair).

| knowledge point | accuracy (seed 1) | accuracy (seed 2) | problems (seed 1) |
|---|---|---|---|
${rows.join('\n')}
`;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
