// Arithmetic sequences: the next term (level 1), the n-th term (level 2), the sum of the first n terms (level 3).
import { term } from '../format.ts';
import { defineGenerator } from '../types.ts';

export const arithmeticSequence = defineGenerator<{ first: number; diff: number; n: number; ask: string }>({
  id: 'arithmetic-sequence',
  knowledgePoints: ['sequences.arithmetic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) return { first: rng.int(1, 99), diff: rng.int(2, 25), n: 5, ask: 'next' };
    const diff = rng.int(-12, 15) || 4;
    const first = rng.int(-30, 60);
    return { first, diff, n: rng.int(level === 2 ? 8 : 5, level === 2 ? 60 : 40), ask: level === 2 ? 'nth' : 'sum' };
  },
  render({ first, diff, n, ask }, rng) {
    const shown = [0, 1, 2, 3].map((i) => first + i * diff).slice(0, ask === 'next' ? 4 : 3);
    const list = shown.join(', ');
    const nth = first + (n - 1) * diff;
    const steps = [`The common difference is ${shown[1]} - ${term(shown[0])} = ${diff}.`];
    if (ask === 'next') {
      steps.push(`${shown[3]} + ${diff} = ${shown[3] + diff}`);
      return {
        question: rng.pick([`What is the next term of the sequence ${list}, ...?`, `Find the number that comes next: ${list}, ...`]),
        steps,
        answer: String(shown[3] + diff),
      };
    }
    steps.push(`Term ${n} = ${first} + (${n} - 1) × ${term(diff)} = ${first} + ${(n - 1) * diff} = ${nth}`);
    if (ask === 'nth') {
      return {
        question: rng.pick([`What is the ${ordinal(n)} term of the arithmetic sequence ${list}, ...?`, `In the sequence ${list}, ..., each term changes by the same amount. What is term number ${n}?`]),
        steps,
        answer: String(nth),
      };
    }
    const sum = (n * (first + nth)) / 2;
    steps.push(`Sum = ${n} × (${first} + ${term(nth)}) ÷ 2 = ${n} × ${first + nth} ÷ 2 = ${sum}`);
    return {
      question: rng.pick([`What is the sum of the first ${n} terms of the arithmetic sequence ${list}, ...?`, `Add up the first ${n} terms of ${list}, ...`]),
      steps,
      answer: String(sum),
    };
  },
});

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
