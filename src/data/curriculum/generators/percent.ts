// Percentages: a percent of a quantity, discounts and increases, what percent one number is of another,
// percent change. Quantities are chosen so every answer is a whole number or a terminating decimal.
import { decimalText, gcd } from '../format.ts';
import { defineGenerator } from '../types.ts';
import { ITEMS, NAMES } from './words.ts';

const EASY_PERCENTS = [10, 20, 25, 50, 75];

/** Level 1: easy percents of a whole. Level 2: any whole percent. Level 3: price after a discount or an increase. */
export const percentOf = defineGenerator<{ percent: number; base: number; change: string }>({
  id: 'percent-of',
  knowledgePoints: ['percent.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const percent = level === 1 ? rng.pick(EASY_PERCENTS) : rng.int(1, 99);
    // base is a multiple of 100 / gcd(percent, 100), so percent% of base is whole.
    const step = 100 / gcd(percent, 100);
    const base = step * rng.int(1, Math.max(2, Math.floor((level === 1 ? 400 : 2000) / step)));
    return { percent, base, change: level === 3 ? rng.pick(['discount', 'increase']) : 'none' };
  },
  render({ percent, base, change }, rng) {
    const part = (percent * base) / 100;
    const steps = [`${percent}% of ${base} = ${percent}/100 × ${base} = ${part}`];
    if (change === 'none') {
      const item = rng.pick(ITEMS);
      const question = rng.pick([
        `What is ${percent}% of ${base}?`,
        `Find ${percent} percent of ${base}.`,
        `A crate holds ${base} ${item[1]}. ${percent}% of them are sold. How many ${item[1]} are sold?`,
      ]);
      return { question, steps, answer: String(part) };
    }
    const result = change === 'discount' ? base - part : base + part;
    steps.push(`${base} ${change === 'discount' ? '-' : '+'} ${part} = ${result}`);
    const name = rng.pick(NAMES);
    const question =
      change === 'discount'
        ? rng.pick([
            `A bike costs $${base}. It is on sale for ${percent}% off. What is the sale price in dollars?`,
            `${name} buys a coat priced at $${base} with a ${percent}% discount. How many dollars does ${name} pay?`,
          ])
        : rng.pick([
            `A town had ${base} residents. The population grew by ${percent}%. How many residents does it have now?`,
            `${name}'s rent of $${base} goes up by ${percent}%. What is the new rent in dollars?`,
          ]);
    return { question, steps, answer: String(result) };
  },
});

/**
 * Level 1: what percent of a round base (10, 20, 25, 50, 100, 200) is a part. Level 2: any base with a
 * whole or half percent. Level 3: percent increase or decrease from an old value to a new one.
 */
export const percentRatio = defineGenerator<{ part: number; base: number; kind: string }>({
  id: 'percent-ratio',
  knowledgePoints: ['percent.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) {
      const base = rng.pick([10, 20, 25, 50, 100, 200]);
      return { part: rng.int(1, base - 1), base, kind: 'what-percent' };
    }
    // 200·part/base must be whole (a whole or half percent): base divides 200·part.
    for (;;) {
      const base = rng.int(level === 2 ? 8 : 20, level === 2 ? 400 : 900);
      const part = rng.int(1, level === 2 ? base - 1 : Math.floor(base * 0.9));
      if ((200 * part) % base !== 0) continue;
      if (level === 2) return { part, base, kind: 'what-percent' };
      // level 3: change from base to base ± part
      return { part, base, kind: rng.pick(['increase', 'decrease']) };
    }
  },
  render({ part, base, kind }, rng) {
    const halfPercents = (200 * part) / base;
    const answer = decimalText(halfPercents * 5, 1); // percent in tenths: halves × 5
    if (kind === 'what-percent') {
      const item = rng.pick(ITEMS);
      const question = rng.pick([
        `What percent of ${base} is ${part}?`,
        `${part} is what percent of ${base}?`,
        `In a group of ${base} ${item[1]}, ${part} are red. What percent of the ${item[1]} are red?`,
      ]);
      return { question, steps: [`${part} ÷ ${base} × 100 = ${answer}`, `So ${part} is ${answer}% of ${base}.`], answer };
    }
    const next = kind === 'increase' ? base + part : base - part;
    const name = rng.pick(NAMES);
    const question = rng.pick([
      `A price changes from $${base} to $${next}. By what percent did it ${kind}?`,
      `${name}'s collection went from ${base} to ${next} stamps. What is the percent ${kind}?`,
    ]);
    const steps = [
      `The change is ${kind === 'increase' ? `${next} - ${base}` : `${base} - ${next}`} = ${part}.`,
      `${part} ÷ ${base} × 100 = ${answer}`,
      `So the percent ${kind} is ${answer}%.`,
    ];
    return { question, steps, answer };
  },
});
