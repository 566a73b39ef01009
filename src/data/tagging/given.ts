// Tags given in the data: a problem's own knowledge_points resolved against the taxonomy (by id, or by name), and
// MATH's subject ("Counting & Probability") mapped to the taxonomy's top level ("counting-probability").
import type { Problem } from '../problem.ts';
import { subjectForMathSubject, type Taxonomy } from '../taxonomy/taxonomy.ts';

export interface GivenTags {
  problemId: string;
  /** taxonomy ids among the problem's own tags */
  known: string[];
  /** tags that are neither a taxonomy id nor a knowledge point's name */
  unknown: string[];
  /** the taxonomy subject from the problem's meta.subject, or null */
  subject: string | null;
}

/** The taxonomy subject of a problem whose meta.subject is a MATH subject or a taxonomy subject id. */
export function subjectOf(problem: Pick<Problem, 'meta'>, taxonomy: Taxonomy): string | null {
  const raw = problem.meta?.subject;
  return typeof raw === 'string' ? subjectForMathSubject(taxonomy, raw) : null;
}

export function givenTags(problem: Pick<Problem, 'id' | 'knowledge_points' | 'meta'>, taxonomy: Taxonomy): GivenTags {
  const byName = nameIndex(taxonomy);
  const known: string[] = [];
  const unknown: string[] = [];
  for (const tag of problem.knowledge_points ?? []) {
    const id = taxonomy.byId.has(tag) ? tag : byName.get(tag.trim().toLowerCase());
    if (id) {
      if (!known.includes(id)) known.push(id);
    } else unknown.push(tag);
  }
  return { problemId: problem.id, known, unknown, subject: subjectOf(problem, taxonomy) };
}

/** Resolves every problem's given tags; problems with unknown tags are listed so the user can fix or map them. */
export function givenTagsForPool(problems: Problem[], taxonomy: Taxonomy): { tags: GivenTags[]; withUnknown: GivenTags[] } {
  const tags = problems.map((p) => givenTags(p, taxonomy));
  return { tags, withUnknown: tags.filter((t) => t.unknown.length > 0) };
}

const nameIndexes = new WeakMap<Taxonomy, Map<string, string>>();

function nameIndex(taxonomy: Taxonomy): Map<string, string> {
  let index = nameIndexes.get(taxonomy);
  if (!index) {
    index = new Map(taxonomy.points.map((p) => [p.name.toLowerCase(), p.id]));
    nameIndexes.set(taxonomy, index);
  }
  return index;
}
