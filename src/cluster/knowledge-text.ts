// The text a problem's knowledge is embedded from: its knowledge points (tags) joined, or its question when it has
// none, so every problem gets a vector and a cluster.
import type { Problem } from '../data/problem.ts';

/** Separator between tags: a sentence break, so sentence embedders read "percent.basic; ratio.basic" as two items. */
export const TAG_SEPARATOR = '; ';

/** Tags joined (blank tags dropped, order kept); the question when there are no tags. */
export function knowledgeText(problem: Pick<Problem, 'question' | 'knowledge_points'>): string {
  const tags = (problem.knowledge_points ?? []).map((t) => t.trim()).filter((t) => t.length > 0);
  return tags.length > 0 ? tags.join(TAG_SEPARATOR) : problem.question;
}
