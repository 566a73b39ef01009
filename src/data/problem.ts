// The one schema every problem source is normalized to (bundled sets, user uploads, the synthetic curriculum).
export interface Problem {
  /** unique within its pool, stable across runs (e.g. "gsm8k/train/17", "curriculum/fractions-add/2/123456") */
  id: string;
  question: string;
  /** the gold final answer as text, e.g. "18", "\\frac{1}{3}", "(1, 2)"; judged by src/verify */
  answer: string;
  /** a worked solution when the source has one */
  solution?: string;
  /** knowledge-point ids from the taxonomy (src/data/taxonomy), or free tags given by the source */
  knowledge_points?: string[];
  /** the source's own difficulty, e.g. MATH "Level 3" → 3, curriculum level 1..3 */
  difficulty_label?: string | number;
  /** where it came from, e.g. "gsm8k", "math", "math500", "curriculum", or the uploaded file's name */
  source: string;
  /** source-specific extras kept as given (e.g. MATH subject) */
  meta?: Record<string, string | number>;
}
