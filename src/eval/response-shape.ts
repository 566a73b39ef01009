// What the lab measures of a response besides its correctness: reasoning steps and length.
// Steps are the non-empty lines before the final "Answer:" line (the curriculum writes one step per line);
// a response with no such line counts all its non-empty lines.
export function countSteps(response: string): number {
  const lines = response.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines.length - 1;
  return last >= 0 && /^answer\s*:/i.test(lines[last]) ? last : lines.length;
}
