// Ratios: sharing a quantity in a given ratio, and scaling a ratio (recipes, unit prices).
import { decimalText, gcd, moneyText } from '../format.ts';
import { defineGenerator } from '../types.ts';
import { ITEMS, NAMES } from './words.ts';

/** A ratio in lowest terms with parts in [1, max]. */
function reducedParts(rng: { int(lo: number, hi: number): number }, count: number, max: number): number[] {
  for (;;) {
    const parts = Array.from({ length: count }, () => rng.int(1, max));
    if (parts.reduce((a, b) => gcd(a, b)) === 1 && new Set(parts).size > 1) return parts;
  }
}

/**
 * Level 1: share a total in a ratio a:b, ask for one share. Level 2: three people, a:b:c.
 * Level 3: ratio a:b with the difference between the shares given; ask for the total.
 */
export const ratioShare = defineGenerator<{ parts: number[]; unit: number; ask: number; kind: string }>({
  id: 'ratio-share',
  knowledgePoints: ['ratio.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const parts = reducedParts(rng, level === 2 ? 3 : 2, level === 1 ? 9 : 12);
    return { parts, unit: rng.int(2, level === 1 ? 20 : 60), ask: rng.int(0, parts.length - 1), kind: level === 3 ? 'difference' : 'share' };
  },
  render({ parts, unit, ask, kind }, rng) {
    const sum = parts.reduce((a, b) => a + b, 0);
    const total = sum * unit;
    const names = rng.sample(NAMES, parts.length);
    const ratio = parts.join(':');
    if (kind === 'difference') {
      const [a, b] = parts;
      const diff = Math.abs(a - b) * unit;
      const item = rng.pick(ITEMS);
      const more = a > b ? names[0] : names[1];
      const question = `${names[0]} and ${names[1]} share some ${item[1]} in the ratio ${ratio}. ${more} gets ${diff} more than the other. How many ${item[1]} are there in total?`;
      const steps = [
        `The shares differ by ${Math.max(a, b)} - ${Math.min(a, b)} = ${Math.abs(a - b)} part${Math.abs(a - b) === 1 ? '' : 's'}.`,
        `One part is ${diff} ÷ ${Math.abs(a - b)} = ${unit}.`,
        `The total is ${a} + ${b} = ${sum} parts, and ${sum} × ${unit} = ${total}.`,
      ];
      return { question, steps, answer: String(total) };
    }
    const who = names[ask];
    const people = parts.length === 2 ? `${names[0]} and ${names[1]}` : `${names[0]}, ${names[1]} and ${names[2]}`;
    const question = rng.pick([
      `${people} share $${total} in the ratio ${ratio}. How many dollars does ${who} get?`,
      `${total} ${rng.pick(ITEMS)[1]} are divided among ${people} in the ratio ${ratio}. How many does ${who} receive?`,
    ]);
    const steps = [
      `There are ${parts.join(' + ')} = ${sum} parts in total.`,
      `One part is ${total} ÷ ${sum} = ${unit}.`,
      `${who} gets ${parts[ask]} parts: ${parts[ask]} × ${unit} = ${parts[ask] * unit}.`,
    ];
    return { question, steps, answer: String(parts[ask] * unit) };
  },
});

/**
 * Level 1: a recipe ratio scaled up by a whole factor. Level 2: the missing term of a:b = c:x.
 * Level 3: unit price: a items cost a·factor cents; the cost of b items, in dollars (a decimal).
 */
export const ratioScale = defineGenerator<{ a: number; b: number; factor: number; kind: string }>({
  id: 'ratio-scale',
  knowledgePoints: ['ratio.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const [a, b] = reducedParts(rng, 2, level === 1 ? 6 : 15);
    const kind = level === 1 ? 'recipe' : level === 2 ? 'proportion' : 'unit-price';
    // factor: the scale (levels 1, 2) or the price of one item in cents (level 3)
    return { a, b, factor: level === 3 ? rng.int(25, 999) : rng.int(2, level === 1 ? 30 : 25), kind };
  },
  render({ a, b, factor, kind }, rng) {
    if (kind === 'recipe') {
      const question = rng.pick([
        `A recipe uses ${a} cups of flour for every ${b} cups of milk. How many cups of milk are needed for ${a * factor} cups of flour?`,
        `Paint is mixed ${a} parts blue to ${b} parts white. How many liters of white paint go with ${a * factor} liters of blue?`,
      ]);
      const steps = [`${a * factor} ÷ ${a} = ${factor}, so the recipe is scaled by ${factor}.`, `${b} × ${factor} = ${b * factor}`];
      return { question, steps, answer: String(b * factor) };
    }
    if (kind === 'proportion') {
      const question = rng.pick([
        `Find x if ${a}:${b} = ${a * factor}:x.`,
        `The ratio ${a} : ${b} equals ${a * factor} : x. What is x?`,
      ]);
      const steps = [`${a * factor} ÷ ${a} = ${factor}`, `x = ${b} × ${factor} = ${b * factor}`];
      return { question, steps, answer: String(b * factor) };
    }
    const item = rng.pick(ITEMS);
    const name = rng.pick(NAMES);
    const count = (n: number) => `${n} ${n === 1 ? item[0] : item[1]}`;
    const price = moneyText(a * factor);
    const question = rng.pick([
      `${count(a)} cost ${price}. At the same price, how many dollars do ${count(b)} cost?`,
      `${name} pays ${price} for ${count(a)}. How many dollars would ${count(b)} cost at the same rate?`,
    ]);
    const steps = [
      `One costs ${decimalText(a * factor, 2)} ÷ ${a} = ${decimalText(factor, 2)} dollars.`,
      `${b} × ${decimalText(factor, 2)} = ${decimalText(b * factor, 2)}`,
    ];
    return { question, steps, answer: decimalText(b * factor, 2) };
  },
});
