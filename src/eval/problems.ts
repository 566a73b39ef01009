// The problems an evaluation runs on: held-out curriculum problems, a bundled set, or a user's JSONL file.
import { readFile } from 'node:fs/promises';
import { generateCurriculum } from '../data/curriculum/index.ts';
import { gunzipWithZlib, isGzip } from '../data/pool/gzip.ts';
import { BUNDLED_SETS, isBundledSetName, loadBundledSet } from '../data/pool/bundled.ts';
import { importProblems } from '../data/pool/importers.ts';
import type { Problem } from '../data/problem.ts';
import { Rng } from '../util/random.ts';

export const SYNTHETIC = 'synthetic';

/**
 * `count` problems drawn with `seed`: for "synthetic", the curriculum's held-out split (never trained on, all
 * 22 generators about equally); for a bundled set name or a file, a seeded sample of its problems (all of them
 * when it has no more than `count`). Skipped lines of a file are passed to `onSkipped`.
 */
export async function evalProblems(data: string, count: number, seed: number, onSkipped?: (line: number, reason: string) => void): Promise<Problem[]> {
  if (data === SYNTHETIC) return generateCurriculum({ seed, count, split: 'test' });
  let problems: Problem[];
  if (isBundledSetName(data)) {
    problems = (await loadBundledSet(data)).problems;
  } else {
    const bytes = new Uint8Array(await readFile(data));
    const text = new TextDecoder().decode(isGzip(bytes) ? await gunzipWithZlib(bytes) : bytes);
    const result = importProblems(text, { source: data, format: 'auto' });
    for (const s of result.skipped) onSkipped?.(s.line, s.reason);
    problems = result.problems;
  }
  if (problems.length === 0) throw new Error(`${data}: no problems to evaluate`);
  return problems.length <= count ? problems : new Rng(seed).shuffled(problems).slice(0, count);
}

export const DATA_HELP = `"${SYNTHETIC}" (held-out curriculum problems), a bundled set (${Object.keys(BUNDLED_SETS).join(', ')}) or a JSONL file`;
