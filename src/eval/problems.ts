// The problems an evaluation runs on: held-out curriculum problems, a bundled set, or a user's JSONL file.
import { readFile } from 'node:fs/promises';
import { generateCurriculum } from '../data/curriculum/index.ts';
import { DEFAULT_MAX_LEVEL, levelsUpTo } from '../data/curriculum/pool-mix.ts';
import { gunzipWithZlib, isGzip } from '../data/pool/gzip.ts';
import { BUNDLED_SETS, isBundledSetName, loadBundledSet } from '../data/pool/bundled.ts';
import { importProblems } from '../data/pool/importers.ts';
import type { Problem } from '../data/problem.ts';
import { Rng } from '../util/random.ts';

export const SYNTHETIC = 'synthetic';

export interface EvalProblemsOptions {
  /** synthetic only: difficulty levels 1..maxLevel (default DEFAULT_MAX_LEVEL) */
  maxLevel?: number;
  /** a skipped line of a file */
  onSkipped?: (line: number, reason: string) => void;
}

/**
 * `count` problems drawn with `seed`: for "synthetic", the curriculum's held-out split (never trained on, all
 * 22 generators about equally, levels 1..maxLevel); for a bundled set name or a file, a seeded sample of its
 * problems (all of them when it has no more than `count`).
 */
export async function evalProblems(data: string, count: number, seed: number, options: EvalProblemsOptions = {}): Promise<Problem[]> {
  if (data === SYNTHETIC) return generateCurriculum({ seed, count, split: 'test', levels: levelsUpTo(options.maxLevel ?? DEFAULT_MAX_LEVEL) });
  let problems: Problem[];
  if (isBundledSetName(data)) {
    problems = (await loadBundledSet(data)).problems;
  } else {
    const bytes = new Uint8Array(await readFile(data));
    const text = new TextDecoder().decode(isGzip(bytes) ? await gunzipWithZlib(bytes) : bytes);
    const result = importProblems(text, { source: data, format: 'auto' });
    for (const s of result.skipped) options.onSkipped?.(s.line, s.reason);
    problems = result.problems;
  }
  if (problems.length === 0) throw new Error(`${data}: no problems to evaluate`);
  return problems.length <= count ? problems : new Rng(seed).shuffled(problems).slice(0, count);
}

export const DATA_HELP = `"${SYNTHETIC}" (held-out curriculum problems), a bundled set (${Object.keys(BUNDLED_SETS).join(', ')}) or a JSONL file`;
