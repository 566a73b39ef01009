// Number theory: greatest common divisor and least common multiple (Euclid's algorithm), divisibility counts.
import { gcd } from '../format.ts';
import { defineGenerator } from '../types.ts';

/** Euclid's algorithm as solution lines: "84 = 1 × 60 + 24", ... */
function euclidSteps(a: number, b: number): string[] {
  const steps: string[] = [];
  let [x, y] = [Math.max(a, b), Math.min(a, b)];
  while (y > 0) {
    const q = Math.floor(x / y);
    steps.push(`${x} = ${q} × ${y} + ${x - q * y}`);
    [x, y] = [y, x - q * y];
  }
  steps.push(`The last nonzero remainder is gcd(${a}, ${b}) = ${x}.`);
  return steps;
}

/**
 * Level 1: gcd of two numbers up to 100. Level 2: lcm of two numbers up to 60 (also as a "buses meet" story).
 * Level 3: gcd or lcm of three numbers.
 */
export const gcdLcm = defineGenerator<{ nums: number[]; ask: string }>({
  id: 'gcd-lcm',
  knowledgePoints: ['number-theory.gcd-lcm'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) {
      // a common factor makes the gcd interesting.
      const g = rng.int(2, 12);
      return { nums: [g * rng.int(2, Math.floor(100 / g)), g * rng.int(2, Math.floor(100 / g))], ask: 'gcd' };
    }
    if (level === 2) return { nums: [rng.int(4, 60), rng.int(4, 60)], ask: 'lcm' };
    const ask = rng.pick(['gcd', 'lcm']);
    if (ask === 'gcd') {
      const g = rng.int(2, 15);
      return { nums: [0, 0, 0].map(() => g * rng.int(2, Math.floor(300 / g))), ask };
    }
    return { nums: [rng.int(2, 30), rng.int(2, 30), rng.int(2, 30)], ask };
  },
  render({ nums, ask }, rng) {
    const steps: string[] = [];
    let acc = nums[0];
    for (const n of nums.slice(1)) {
      const g = gcd(acc, n);
      if (ask === 'gcd') {
        steps.push(...euclidSteps(acc, n));
        acc = g;
      } else {
        steps.push(...euclidSteps(acc, n));
        const l = (acc / g) * n;
        steps.push(`lcm(${acc}, ${n}) = ${acc} × ${n} ÷ ${g} = ${l}`);
        acc = l;
      }
    }
    const list = nums.length === 2 ? `${nums[0]} and ${nums[1]}` : `${nums[0]}, ${nums[1]} and ${nums[2]}`;
    const question =
      ask === 'gcd'
        ? rng.pick([
            `What is the greatest common divisor of ${list}?`,
            `Find gcd(${nums.join(', ')}).`,
            `What is the largest number that divides ${list} exactly?`,
          ])
        : rng.pick([
            `What is the least common multiple of ${list}?`,
            `Find lcm(${nums.join(', ')}).`,
            nums.length === 2
              ? `One bus leaves every ${nums[0]} minutes and another every ${nums[1]} minutes. They both leave now. After how many minutes do they next leave together?`
              : `What is the smallest positive number divisible by each of ${list}?`,
          ]);
    return { question, steps, answer: String(acc) };
  },
});

/**
 * Level 1: the smallest multiple of k greater than n. Level 2: how many of 1..N are divisible by k.
 * Level 3: how many of 1..N are divisible by a or by b (inclusion–exclusion).
 */
export const divisibility = defineGenerator<{ n: number; a: number; b: number; kind: string }>({
  id: 'divisibility',
  knowledgePoints: ['number-theory.divisibility'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) return { n: rng.int(10, 500), a: rng.int(3, 19), b: 0, kind: 'next-multiple' };
    if (level === 2) return { n: rng.int(50, 2000), a: rng.int(3, 25), b: 0, kind: 'count' };
    for (;;) {
      const [a, b] = [rng.int(2, 15), rng.int(2, 15)];
      if (a < b && b % a !== 0) return { n: rng.int(50, 1000), a, b, kind: 'count-either' };
    }
  },
  render({ n, a, b, kind }, rng) {
    if (kind === 'next-multiple') {
      const q = Math.floor(n / a);
      const next = (q + 1) * a;
      return {
        question: rng.pick([`What is the smallest multiple of ${a} that is greater than ${n}?`, `Find the first number after ${n} that is divisible by ${a}.`]),
        steps: [`${n} ÷ ${a} = ${q} remainder ${n - q * a}`, `The next multiple is ${a} × ${q + 1} = ${next}.`],
        answer: String(next),
      };
    }
    if (kind === 'count') {
      const count = Math.floor(n / a);
      return {
        question: rng.pick([`How many whole numbers from 1 to ${n} are divisible by ${a}?`, `How many multiples of ${a} are there between 1 and ${n}, inclusive?`]),
        steps: [`The multiples are ${a}, ${2 * a}, ..., ${a * count}: ${n} ÷ ${a} = ${count} remainder ${n - count * a}.`],
        answer: String(count),
      };
    }
    const l = (a / gcd(a, b)) * b;
    const [ca, cb, cl] = [Math.floor(n / a), Math.floor(n / b), Math.floor(n / l)];
    return {
      question: rng.pick([`How many whole numbers from 1 to ${n} are divisible by ${a} or by ${b}?`, `How many of the numbers 1, 2, ..., ${n} are multiples of ${a} or of ${b} (or both)?`]),
      steps: [
        `Multiples of ${a}: ${n} ÷ ${a} rounds down to ${ca}.`,
        `Multiples of ${b}: ${n} ÷ ${b} rounds down to ${cb}.`,
        `Multiples of both are multiples of lcm(${a}, ${b}) = ${l}: ${cl}.`,
        `${ca} + ${cb} - ${cl} = ${ca + cb - cl}`,
      ],
      answer: String(ca + cb - cl),
    };
  },
});
