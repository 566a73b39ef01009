// What a curriculum generator is: it samples the mathematical parameters of a problem at a difficulty level,
// then renders them as a question, a step-by-step solution and a canonical answer.
import type { Rng } from './rng.ts';

/** The mathematical content of a problem: only what changes the answer, never names or wording. */
export type Params = Record<string, number | string | number[]>;

export interface Rendered {
  question: string;
  /** one step per line, without the final "Answer: ..." line (added by the curriculum) */
  steps: string[];
  /** canonical answer text (see format.ts) */
  answer: string;
}

export interface Generator<P extends Params = Params> {
  /** short stable id, part of every problem id, e.g. "add" */
  id: string;
  /** knowledge-point ids (src/data/taxonomy) */
  knowledgePoints: readonly string[];
  /** difficulty levels this generator offers, e.g. [1, 2, 3] */
  levels: readonly number[];
  sample(rng: Rng, level: number): P;
  /** wording (names, objects, templates) is drawn from `rng`; the math comes only from `params` */
  render(params: P, rng: Rng): Rendered;
}

/** Helps type generator objects while keeping their own parameter types. */
export function defineGenerator<P extends Params>(g: Generator<P>): Generator<Params> {
  return g as unknown as Generator<Params>;
}
