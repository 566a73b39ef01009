// How a problem is put to a model: the question and a newline; the model writes one step per line and ends
// with "Answer: X" (the curriculum's solution format). Prompts are plain text with no chat template, so the
// same prompt works for our engine and for a completions server.
import type { Problem } from '../data/problem.ts';

export function formatPrompt(problem: Pick<Problem, 'question'>): string {
  return `${problem.question.trim()}\n`;
}
