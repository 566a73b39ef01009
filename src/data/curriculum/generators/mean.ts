// Averages: the mean of a list (whole at level 1, a terminating decimal at level 2) and a missing value
// given the mean (level 3).
import { decimalText } from '../format.ts';
import { defineGenerator } from '../types.ts';
import { NAMES } from './words.ts';

/** Counts whose reciprocal terminates (n divides 1000), so the mean is exact in thousandths. */
const DECIMAL_COUNTS = [2, 4, 5, 8];

export const mean = defineGenerator<{ values: number[]; mean: number; kind: string }>({
  id: 'mean',
  knowledgePoints: ['stats.mean'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) {
      // pick values, then fix the last so the sum is a multiple of the count
      const count = rng.int(3, 5);
      const values = Array.from({ length: count }, () => rng.int(1, 50));
      const rest = values.slice(0, -1).reduce((a, b) => a + b, 0);
      let last = values[count - 1];
      while ((rest + last) % count !== 0) last++;
      values[count - 1] = last;
      return { values, mean: (rest + last) / count, kind: 'mean' };
    }
    if (level === 2) {
      const count = rng.pick(DECIMAL_COUNTS);
      return { values: Array.from({ length: count }, () => rng.int(10, 200)), mean: 0, kind: 'mean' };
    }
    const count = rng.int(4, 6);
    const m = rng.int(20, 95);
    for (;;) {
      const known = Array.from({ length: count - 1 }, () => rng.int(Math.max(1, m - 30), m + 30));
      const missing = m * count - known.reduce((a, b) => a + b, 0);
      if (missing > 0) return { values: known, mean: m, kind: 'missing' };
    }
  },
  render({ values, mean: m, kind }, rng) {
    const sum = values.reduce((a, b) => a + b, 0);
    const list = values.join(', ');
    if (kind === 'missing') {
      const count = values.length + 1;
      const total = m * count;
      const name = rng.pick(NAMES);
      return {
        question: rng.pick([
          `The mean of ${count} numbers is ${m}. ${count - 1} of them are ${list}. What is the remaining number?`,
          `${name} took ${count} tests and averaged ${m} points. The first ${count - 1} scores were ${list}. What was the last score?`,
        ]),
        steps: [`Total = ${count} × ${m} = ${total}`, `Known values: ${values.join(' + ')} = ${sum}`, `${total} - ${sum} = ${total - sum}`],
        answer: String(total - sum),
      };
    }
    // mean in thousandths: sum × 1000 / count is whole because count divides 1000
    const meanText = decimalText((sum * 1000) / values.length, 3);
    return {
      question: rng.pick([`What is the mean of ${list}?`, `Find the average of these numbers: ${list}.`, `Compute the arithmetic mean of ${list}.`]),
      steps: [`Sum: ${values.join(' + ')} = ${sum}`, `${sum} ÷ ${values.length} = ${meanText}`],
      answer: meanText,
    };
  },
});
