// Zero-shot knowledge-point tagging: embed each knowledge point's name and description once, embed each problem,
// and keep the top-k points by cosine similarity that clear a threshold. When a problem's subject is known (MATH's
// type / subject), only that subject's points compete.
import type { Problem } from '../problem.ts';
import { pointsOfSubject, type KnowledgePoint, type Taxonomy } from '../taxonomy/taxonomy.ts';
import { cosine, embedInBatches, type Embedder } from './embedder.ts';
import { subjectOf } from './given.ts';

export interface ZeroShotOptions {
  /** at most this many points per problem (default 3) */
  topK?: number;
  /** minimum cosine similarity (default 0.15; depends on the embedder, so calibrate it per embedder) */
  threshold?: number;
  /** texts per embed() call (default 32) */
  batchSize?: number;
  /** compete only among the points of the problem's subject when it is known (default true) */
  restrictToSubject?: boolean;
  /** characters of the question embedded (default 2000; long problems are cut) */
  maxChars?: number;
}

export interface ScoredPoint {
  id: string;
  score: number;
}

export interface ZeroShotTags {
  problemId: string;
  /** best first; empty when no point clears the threshold */
  points: ScoredPoint[];
  /** the taxonomy subject the candidates were restricted to, or null when all points competed */
  subject: string | null;
}

export interface ZeroShotTagger {
  tag(problems: Pick<Problem, 'id' | 'question' | 'meta'>[]): Promise<ZeroShotTags[]>;
}

/** The text that stands for a knowledge point: its name and its one-line description. */
export function pointText(point: KnowledgePoint): string {
  return `${point.name}: ${point.description}`;
}

export async function createZeroShotTagger(taxonomy: Taxonomy, embedder: Embedder, options: ZeroShotOptions = {}): Promise<ZeroShotTagger> {
  const topK = options.topK ?? 3;
  const threshold = options.threshold ?? 0.15;
  const batchSize = options.batchSize ?? 32;
  const maxChars = options.maxChars ?? 2000;
  const restrict = options.restrictToSubject ?? true;
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`zero-shot tagger: topK must be a positive integer, got ${topK}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`zero-shot tagger: batchSize must be a positive integer, got ${batchSize}`);
  const pointVectors = await embedInBatches(embedder, taxonomy.points.map(pointText), batchSize);
  const indexOf = new Map(taxonomy.points.map((p, i) => [p.id, i]));

  return {
    async tag(problems) {
      const vectors = await embedInBatches(embedder, problems.map((p) => p.question.slice(0, maxChars)), batchSize);
      return problems.map((problem, i) => {
        const subject = restrict ? subjectOf(problem, taxonomy) : null;
        const candidates = subject ? pointsOfSubject(taxonomy, subject) : taxonomy.points;
        const scored = candidates.map((p) => ({ id: p.id, score: cosine(vectors[i], pointVectors[indexOf.get(p.id)!]) }));
        return { problemId: problem.id, subject, points: bestAbove(scored, topK, threshold) };
      });
    },
  };
}

/** The `k` highest scores at or above `threshold`, best first (ties broken by id for determinism). */
export function bestAbove(scored: ScoredPoint[], k: number, threshold: number): ScoredPoint[] {
  return scored
    .filter((s) => s.score >= threshold)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}
