// The synthetic math curriculum: the built-in problem pool for small models, generated from a seed with no
// files or network, the same in the browser and in Node.
//
// A problem is fully determined by (generator, level, problem seed): its id `curriculum/<generator>/<level>/<seed hex>`
// regenerates it (problemFromId). Whether it is a train or test problem depends only on its mathematical
// parameters (split.ts), so the two splits never share a problem.
import type { Problem } from '../problem.ts';
import { GENERATORS } from './generators/index.ts';
import { Rng, hashString, mixSeed } from './rng.ts';
import { splitOfKey, type Split } from './split.ts';
import type { Generator, Params } from './types.ts';

export { GENERATORS } from './generators/index.ts';
export type { Split } from './split.ts';
export type { Generator, Params } from './types.ts';

export const CURRICULUM_SOURCE = 'curriculum';

export interface CurriculumOptions {
  seed: number;
  count: number;
  split: Split;
  /** only these difficulty levels (default: all) */
  levels?: number[];
  /** only generators tagged with at least one of these knowledge-point ids (default: all) */
  knowledgePoints?: string[];
  /** only these generators (ids of GENERATORS; default: all) */
  generators?: string[];
  /** return the distinct problems found when the allowed generators and levels hold fewer than `count` (default: throw) */
  allowFewer?: boolean;
}

/** A generated problem before it is turned into a Problem: the parameters stay available for checking. */
interface Draft {
  generator: Generator;
  level: number;
  problemSeed: number;
  params: Params;
  key: string;
}

/**
 * Canonical text of a problem's mathematics: what the split and de-duplication look at. The level is left out:
 * the same numbers drawn at two levels (e.g. 25% of 80 at levels 1 and 2) are the same problem.
 */
export function canonicalKey(generatorId: string, params: Params): string {
  const fields = Object.keys(params)
    .sort()
    .map((k) => `${k}=${JSON.stringify(params[k])}`);
  return `${generatorId}|${fields.join(';')}`;
}

function findGenerator(id: string): Generator {
  const g = GENERATORS.find((x) => x.id === id);
  if (!g) throw new Error(`curriculum: unknown generator "${id}" (known: ${GENERATORS.map((x) => x.id).join(', ')})`);
  return g;
}

function draft(generator: Generator, level: number, problemSeed: number): { draft: Draft; rng: Rng } {
  // The generator and level are mixed in so one problem seed gives unrelated numbers in different generators/levels.
  const rng = new Rng(mixSeed(problemSeed, hashString(`${generator.id}/${level}`)));
  const params = generator.sample(rng, level);
  return { draft: { generator, level, problemSeed, params, key: canonicalKey(generator.id, params) }, rng };
}

function toProblem({ generator, level, problemSeed, params }: Draft, rng: Rng): Problem {
  const { question, steps, answer } = generator.render(params, rng);
  return {
    id: `curriculum/${generator.id}/${level}/${problemSeed.toString(16).padStart(8, '0')}`,
    question,
    answer,
    solution: [...steps, `Answer: ${answer}`].join('\n'),
    knowledge_points: [...generator.knowledgePoints],
    difficulty_label: level,
    source: CURRICULUM_SOURCE,
    meta: { generator: generator.id, level, params: JSON.stringify(params) },
  };
}

/** Regenerates the problem an id names (the id is all it takes). */
export function problemFromId(id: string): Problem {
  const m = /^curriculum\/([a-z0-9-]+)\/(\d+)\/([0-9a-f]{8})$/.exec(id);
  if (!m) throw new Error(`curriculum: "${id}" is not a curriculum problem id (expected curriculum/<generator>/<level>/<8 hex digits>)`);
  const generator = findGenerator(m[1]);
  const level = Number(m[2]);
  if (!generator.levels.includes(level)) throw new Error(`curriculum: generator "${generator.id}" has no level ${level} (id "${id}")`);
  const { draft: d, rng } = draft(generator, level, parseInt(m[3], 16));
  return toProblem(d, rng);
}

/** The split a generated problem belongs to, from its stored parameters. */
export function splitOfProblem(problem: Problem): Split {
  const meta = problem.meta;
  if (!meta || typeof meta.generator !== 'string' || typeof meta.params !== 'string') {
    throw new Error(`curriculum: problem "${problem.id}" has no curriculum meta (generator, level, params)`);
  }
  return splitOfKey(canonicalKey(meta.generator, JSON.parse(meta.params) as Params));
}

/** Knowledge-point ids the curriculum covers. */
export function curriculumKnowledgePoints(): string[] {
  return [...new Set(GENERATORS.flatMap((g) => g.knowledgePoints))].sort();
}

/** The (generator, level) pairs the options allow; errors name the option and the accepted values. */
function cells(options: CurriculumOptions): Array<[Generator, number]> {
  const known = curriculumKnowledgePoints();
  for (const kp of options.knowledgePoints ?? []) {
    if (!known.includes(kp)) throw new Error(`curriculum: knowledgePoints: unknown id "${kp}" (the curriculum covers: ${known.join(', ')})`);
  }
  const allLevels = [...new Set(GENERATORS.flatMap((g) => g.levels))].sort((a, b) => a - b);
  for (const level of options.levels ?? []) {
    if (!allLevels.includes(level)) throw new Error(`curriculum: levels: no level ${level} (levels are ${allLevels.join(', ')})`);
  }
  for (const id of options.generators ?? []) findGenerator(id);
  const out: Array<[Generator, number]> = [];
  for (const g of GENERATORS) {
    if (options.generators && !options.generators.includes(g.id)) continue;
    if (options.knowledgePoints && !g.knowledgePoints.some((kp) => options.knowledgePoints!.includes(kp))) continue;
    for (const level of g.levels) if (!options.levels || options.levels.includes(level)) out.push([g, level]);
  }
  if (out.length === 0) throw new Error('curriculum: no generator matches both the levels and the knowledgePoints asked for');
  return out;
}

function checkOptions(options: CurriculumOptions): void {
  if (!Number.isInteger(options.seed)) throw new Error(`curriculum: seed must be an integer, got ${options.seed}`);
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`curriculum: count must be a whole number, got ${options.count}`);
  if (options.split !== 'train' && options.split !== 'test') throw new Error(`curriculum: split must be "train" or "test", got "${String(options.split)}"`);
}

/**
 * `count` distinct problems of one split, the same for the same options everywhere.
 * Each attempt draws one of the allowed (generator, level) pairs uniformly from its own seed, so every
 * generator and level is about equally represented; duplicates and the other split's problems are skipped.
 */
export function generateCurriculum(options: CurriculumOptions): Problem[] {
  checkOptions(options);
  const allowed = cells(options);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  // Give up when the allowed pairs cannot supply `count` distinct problems (a narrow filter at level 1).
  const maxAttempts = 50 * options.count + 1000;
  for (let attempt = 0; problems.length < options.count; attempt++) {
    if (attempt >= maxAttempts) {
      if (options.allowFewer) break;
      throw new Error(
        `curriculum: found only ${problems.length} of ${options.count} distinct ${options.split} problems after ${attempt} tries; ` +
          'widen levels/knowledgePoints or ask for fewer',
      );
    }
    const problemSeed = mixSeed(options.seed, attempt);
    const [generator, level] = allowed[mixSeed(problemSeed, 0x5eed) % allowed.length];
    const { draft: d, rng } = draft(generator, level, problemSeed);
    if (splitOfKey(d.key) !== options.split || seen.has(d.key)) continue;
    seen.add(d.key);
    problems.push(toProblem(d, rng));
  }
  return problems;
}
