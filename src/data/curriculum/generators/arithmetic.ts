// Whole-number arithmetic: addition, subtraction, multiplication, division with remainder.
// Solutions work through the place-value parts of one operand, one line per partial result.
import type { Rng } from '../rng.ts';
import { defineGenerator } from '../types.ts';
import { CONTAINERS, ITEMS, NAMES, plural } from './words.ts';

/** 345 → [300, 40, 5] (zero parts skipped). */
export function placeParts(n: number): number[] {
  const parts: number[] = [];
  const digits = String(n);
  for (let i = 0; i < digits.length; i++) {
    const part = Number(digits[i]) * 10 ** (digits.length - 1 - i);
    if (part) parts.push(part);
  }
  return parts;
}

/** Steps of `start ± n`, adding (or subtracting) n's place-value parts one at a time. */
function stepByParts(start: number, n: number, sign: 1 | -1): { steps: string[]; result: number } {
  const op = sign === 1 ? '+' : '-';
  const parts = placeParts(n);
  const steps = parts.length > 1 ? [`Split ${n} into ${parts.join(' + ')}.`] : [];
  let acc = start;
  for (const part of parts) {
    const next = acc + sign * part;
    steps.push(`${acc} ${op} ${part} = ${next}`);
    acc = next;
  }
  return { steps, result: acc };
}

const ADD_DIGITS: Record<number, [number, number]> = { 1: [2, 2], 2: [3, 4], 3: [4, 5] };

export const add = defineGenerator<{ terms: number[] }>({
  id: 'add',
  knowledgePoints: ['arith.add-sub'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const [lo, hi] = ADD_DIGITS[level];
    const count = level === 3 ? 3 : 2;
    return { terms: Array.from({ length: count }, () => rng.digits(rng.int(lo, hi))) };
  },
  render({ terms }, rng) {
    const steps: string[] = [];
    let acc = terms[0];
    for (const t of terms.slice(1)) {
      const r = stepByParts(acc, t, 1);
      steps.push(...r.steps);
      acc = r.result;
    }
    return { question: addQuestion(terms, rng), steps, answer: String(acc) };
  },
});

function addQuestion(terms: number[], rng: Rng): string {
  const name = rng.pick(NAMES);
  const item = rng.pick(ITEMS);
  const expr = terms.join(' + ');
  if (terms.length === 2) {
    return rng.pick([
      `What is ${expr}?`,
      `Compute ${expr}.`,
      `Find the sum of ${terms[0]} and ${terms[1]}.`,
      `${name} has ${plural(terms[0], item)} and gets ${terms[1]} more. How many ${item[1]} does ${name} have now?`,
    ]);
  }
  return rng.pick([
    `What is ${expr}?`,
    `Add ${terms.slice(0, -1).join(', ')} and ${terms[terms.length - 1]}.`,
    `A warehouse receives ${terms[0]}, ${terms[1]} and ${terms[2]} ${item[1]} in three deliveries. How many ${item[1]} is that in total?`,
  ]);
}

const SUB_DIGITS: Record<number, number> = { 2: 4, 3: 5 };

export const subtract = defineGenerator<{ start: number; minus: number[] }>({
  id: 'subtract',
  knowledgePoints: ['arith.add-sub'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const start = level === 1 ? rng.int(20, 99) : rng.digits(SUB_DIGITS[level]);
    if (level === 3) {
      const first = rng.int(1000, Math.floor(start / 2));
      const second = rng.int(100, start - first - 1);
      return { start, minus: [first, second] };
    }
    return { start, minus: [rng.int(level === 1 ? 10 : 100, start - 1)] };
  },
  render({ start, minus }, rng) {
    const steps: string[] = [];
    let acc = start;
    for (const m of minus) {
      const r = stepByParts(acc, m, -1);
      steps.push(...r.steps);
      acc = r.result;
    }
    const name = rng.pick(NAMES);
    const item = rng.pick(ITEMS);
    const expr = [start, ...minus].join(' - ');
    const question =
      minus.length === 1
        ? rng.pick([
            `What is ${expr}?`,
            `Compute ${expr}.`,
            `Subtract ${minus[0]} from ${start}.`,
            `${name} had ${plural(start, item)} and gave away ${minus[0]}. How many ${item[1]} are left?`,
          ])
        : rng.pick([
            `What is ${expr}?`,
            `A shop had ${plural(start, item)}. It sold ${minus[0]} on Monday and ${minus[1]} on Tuesday. How many ${item[1]} are left?`,
            `Start with ${start}, subtract ${minus[0]}, then subtract ${minus[1]}. What is the result?`,
          ]);
    return { question, steps, answer: String(acc) };
  },
});

const MUL_DIGITS: Record<number, [number, number]> = { 1: [1, 2], 2: [2, 2], 3: [3, 2] };

export const multiply = defineGenerator<{ a: number; b: number }>({
  id: 'multiply',
  knowledgePoints: ['arith.multiply'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const [da, db] = MUL_DIGITS[level];
    return { a: da === 1 ? rng.int(2, 9) : rng.digits(da), b: rng.digits(db) };
  },
  render({ a, b }, rng) {
    const parts = placeParts(b);
    const products = parts.map((p) => a * p);
    const steps = parts.length > 1 ? [`Split ${b} into ${parts.join(' + ')}.`] : [];
    parts.forEach((p, i) => steps.push(`${a} × ${p} = ${products[i]}`));
    if (products.length > 1) steps.push(`${products.join(' + ')} = ${a * b}`);
    const name = rng.pick(NAMES);
    const item = rng.pick(ITEMS);
    const box = rng.pick(CONTAINERS);
    const question = rng.pick([
      `What is ${a} × ${b}?`,
      `Compute ${a} times ${b}.`,
      `Find the product of ${a} and ${b}.`,
      `${name} has ${a} ${a === 1 ? box[0] : box[1]} with ${plural(b, item)} in each. How many ${item[1]} is that altogether?`,
    ]);
    return { question, steps, answer: String(a * b) };
  },
});

export const divideRemainder = defineGenerator<{ dividend: number; divisor: number; ask: string }>({
  id: 'divide-remainder',
  knowledgePoints: ['arith.divide-remainder'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const divisor = level === 3 ? rng.int(11, 49) : rng.int(2, 9);
    const dividend = rng.digits(level === 1 ? 2 : level === 2 ? 3 : 4);
    return { dividend, divisor, ask: rng.pick(['quotient', 'remainder']) };
  },
  render({ dividend, divisor, ask }, rng) {
    const q = Math.floor(dividend / divisor);
    const r = dividend - q * divisor;
    const steps = [
      `${divisor} × ${q} = ${divisor * q}, and ${divisor} × ${q + 1} = ${divisor * (q + 1)} is more than ${dividend}.`,
      `${dividend} - ${divisor * q} = ${r}`,
      `So ${dividend} ÷ ${divisor} = ${q} remainder ${r}.`,
    ];
    const name = rng.pick(NAMES);
    const item = rng.pick(ITEMS);
    const box = rng.pick(CONTAINERS);
    const question =
      ask === 'quotient'
        ? rng.pick([
            `What is the quotient when ${dividend} is divided by ${divisor}?`,
            `${name} packs ${dividend} ${item[1]} into ${box[1]} of ${divisor}. How many ${box[1]} are completely full?`,
          ])
        : rng.pick([
            `What is the remainder when ${dividend} is divided by ${divisor}?`,
            `${name} shares ${dividend} ${item[1]} equally among ${divisor} friends, giving each as many as possible. How many ${item[1]} are left over?`,
          ]);
    return { question, steps, answer: String(ask === 'quotient' ? q : r) };
  },
});
