// The run's problems: the training pool and the held-out set, from the curriculum, a JSONL file or a bundled set.
// Held-out problems never enter the pool: the curriculum's test split is disjoint by construction; for files and
// bundled sets, pool problems whose id or question also appears in the held-out set are dropped and counted.
import { curriculumPool } from '../data/curriculum/pool-mix.ts';
import { loadBundledSet } from '../data/pool/bundled.ts';
import { importProblems } from '../data/pool/importers.ts';
import type { Problem } from '../data/problem.ts';
import { mixSeed } from '../data/curriculum/rng.ts';
import type { ExperimentConfig } from './config.ts';

export interface ProblemSets {
  pool: Problem[];
  heldOut: Problem[];
  notes: string[];
}

/** How the environment reads a file named in the config (Node: the file system; page: the uploaded file). */
export type TextReader = (path: string) => Promise<string>;

async function fromFile(path: string, read: TextReader | undefined, limit: number, what: string): Promise<{ problems: Problem[]; notes: string[] }> {
  if (!read) throw new Error(`${what}.file: this environment cannot read files`);
  const result = importProblems(await read(path), { source: path.split('/').pop() || path });
  const notes = result.skipped.slice(0, 5).map((s) => `${what} ${path}: line ${s.line} skipped: ${s.reason}`);
  if (result.skipped.length > 5) notes.push(`${what} ${path}: ${result.skipped.length - 5} more lines skipped`);
  return { problems: limit > 0 ? result.problems.slice(0, limit) : result.problems, notes };
}

async function fromBundled(name: string, limit: number, what: string): Promise<{ problems: Problem[]; notes: string[] }> {
  const result = await loadBundledSet(name);
  return { problems: limit > 0 ? result.problems.slice(0, limit) : result.problems, notes: result.skipped.length ? [`${what} ${name}: ${result.skipped.length} rows skipped`] : [] };
}

export async function loadProblemSets(config: ExperimentConfig, read?: TextReader): Promise<ProblemSets> {
  const notes: string[] = [];
  const p = config.pool;
  const pool = p.source === 'curriculum'
    ? { problems: curriculumPool({ seed: config.seed, count: p.count, mix: p.mix, maxLevel: p.maxLevel }), notes: [] }
    : p.source === 'file' ? await fromFile(p.file, read, p.limit, 'pool') : await fromBundled(p.file, p.limit, 'pool');
  const h = config.heldOut;
  const held = h.source === 'curriculum'
    // its own seed stream, so the held-out set does not move when the pool's size does
    ? { problems: curriculumPool({ seed: mixSeed(config.seed, 0x4e1d), count: h.count, mix: h.mix, split: 'test', maxLevel: h.maxLevel }), notes: [] }
    : h.source === 'file' ? await fromFile(h.file, read, h.count, 'heldOut') : await fromBundled(h.file, h.count, 'heldOut');
  notes.push(...pool.notes, ...held.notes);
  const heldIds = new Set(held.problems.map((q) => q.id));
  const heldQuestions = new Set(held.problems.map((q) => q.question.trim()));
  const kept = pool.problems.filter((q: Problem) => !heldIds.has(q.id) && !heldQuestions.has(q.question.trim()));
  if (kept.length < pool.problems.length) notes.push(`${pool.problems.length - kept.length} pool problems also in the held-out set were dropped from the pool`);
  if (kept.length === 0) throw new Error('pool: no problems (after removing those in the held-out set)');
  if (held.problems.length === 0) throw new Error('heldOut: no problems');
  return { pool: kept, heldOut: held.problems, notes };
}
