// The tags stage: every pool problem's knowledge points. Given tags are kept as they are; problems with none are
// tagged zero-shot against the taxonomy with the lexical embedder (top 3 above the threshold); those that still
// have none keep an empty list, and their question stands for their knowledge when embedding (knowledgeText).
import type { Problem } from '../data/problem.ts';
import { HashedBagOfWords } from '../data/tagging/hashed-embedder.ts';
import { createZeroShotTagger } from '../data/tagging/zero-shot.ts';
import { defaultTaxonomy } from '../data/taxonomy/taxonomy.ts';

export interface PoolTags {
  tags: string[][];
  given: number;
  zeroShot: number;
  untagged: number;
}

export async function tagPool(problems: Problem[]): Promise<PoolTags> {
  const tags = problems.map((p) => (p.knowledge_points ?? []).filter((t) => t.trim() !== ''));
  const missing = problems.map((_, j) => j).filter((j) => tags[j].length === 0);
  const given = problems.length - missing.length;
  let zeroShot = 0;
  if (missing.length > 0) {
    const tagger = await createZeroShotTagger(defaultTaxonomy(), new HashedBagOfWords());
    const found = await tagger.tag(missing.map((j) => problems[j]));
    found.forEach((t, q) => {
      if (t.points.length === 0) return;
      tags[missing[q]] = t.points.map((p) => p.id);
      zeroShot++;
    });
  }
  return { tags, given, zeroShot, untagged: missing.length - zeroShot };
}
