// Writes tiny-math's training data: curriculum problems of the train split as JSONL lines
// {"ids": [...token ids...], "prompt_len": P, "generator": "..."} (prompt = "<s>" + question + "\n",
// completion = solution + "</s>"), and a held-out monitoring set from the test split.
// The training mix under-represents a few skills (UNDERTRAINED), so the model has weaknesses that more
// training data (DPO on the right problems) can fix, beside skills it cannot do at its size at all.
// Usage: node bin/run-ts.mjs scripts/tiny-math/make-data.ts OUT_DIR [--count 100000] [--seed 7] [--levels 1,2] [--per-generator N]
// --per-generator: every generator gives N problems (times its UNDERTRAINED share); a generator whose level has fewer
// distinct problems repeats them, so small skill spaces are not crowded out by large ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCurriculum, GENERATORS } from '../../src/data/curriculum/index.ts';
import type { Problem } from '../../src/data/problem.ts';
import { Rng } from '../../src/util/random.ts';
import { formatPrompt } from '../../src/eval/prompt.ts';
import { TOKENS } from './shape.ts';

/** Generators kept at this share of their uniform count in the training data. */
export const UNDERTRAINED: Record<string, number> = {
  'gcd-lcm': 0.15,
  'percent-ratio': 0.15,
  'ratio-share': 0.15,
  'arithmetic-sequence': 0.15,
  mean: 0.15,
};

const ids = new Map(TOKENS.map((t, i) => [t, i]));

function encode(text: string): number[] {
  return [...text].map((c) => {
    const id = ids.get(c);
    if (id === undefined) throw new Error(`character ${JSON.stringify(c)} is not in tiny-math's vocabulary`);
    return id;
  });
}

function line(p: Problem): string {
  const prompt = [1, ...encode(formatPrompt(p))];
  const completion = [...encode(p.solution ?? `Answer: ${p.answer}`), 2];
  return JSON.stringify({ ids: [...prompt, ...completion], prompt_len: prompt.length, generator: p.meta?.generator, answer: p.answer });
}

/** `count` curriculum problems, each generator kept at its UNDERTRAINED share. */
function mixedTrainSet(seed: number, count: number, levels: number[] | undefined): Problem[] {
  const keep = new Rng(seed);
  return generateCurriculum({ seed, count, split: 'train', levels }).filter((p) => keep.next() < (UNDERTRAINED[String(p.meta?.generator)] ?? 1));
}

/** perGenerator × share problems from every generator (distinct ones repeated when its space is smaller), shuffled. */
function balancedTrainSet(seed: number, perGenerator: number, levels: number[] | undefined): Problem[] {
  const out: Problem[] = [];
  for (const g of GENERATORS) {
    if (levels && !g.levels.some((l) => levels.includes(l))) continue;
    const want = Math.round(perGenerator * (UNDERTRAINED[g.id] ?? 1));
    const distinct = generateCurriculum({ seed, count: want, split: 'train', levels, generators: [g.id], allowFewer: true });
    for (let i = 0; i < want; i++) out.push(distinct[i % distinct.length]);
  }
  return new Rng(seed).shuffled(out);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string', default: '100000' }, seed: { type: 'string', default: '7' }, levels: { type: 'string' }, 'per-generator': { type: 'string' } } });
  const out = resolve(positionals[0] ?? 'scripts/tiny-math/out');
  const seed = Number(values.seed);
  const count = Number(values.count);
  const levels = values.levels === undefined ? undefined : values.levels.split(',').map(Number);
  mkdirSync(out, { recursive: true });
  const perGenerator = values['per-generator'] === undefined ? undefined : Number(values['per-generator']);
  const train = perGenerator === undefined ? mixedTrainSet(seed, count, levels) : balancedTrainSet(seed, perGenerator, levels);
  writeFileSync(join(out, 'train.jsonl'), train.map(line).join('\n') + '\n');
  const heldOut = generateCurriculum({ seed: seed + 1, count: 1100, split: 'test', levels });
  writeFileSync(join(out, 'heldout.jsonl'), heldOut.map(line).join('\n') + '\n');
  console.log(`${train.length} training and ${heldOut.length} held-out problems in ${out}`);
}

main();
