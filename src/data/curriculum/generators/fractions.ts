// Fractions: adding and subtracting (common denominators), multiplying and dividing, fractions of a quantity.
// Answers are reduced ("a/b", or a whole number when the denominator divides out).
import type { Rng } from '../rng.ts';
import { fraction, fractionText, gcd, lcm, type Fraction } from '../format.ts';
import { defineGenerator } from '../types.ts';
import { ITEMS, NAMES } from './words.ts';

const frac = (n: number, d: number) => `${n}/${d}`;

/** A proper fraction n/d with 1 <= n < d, d in [2, maxDen]. */
function properFraction(rng: Rng, maxDen: number): [number, number] {
  const d = rng.int(2, maxDen);
  return [rng.int(1, d - 1), d];
}

function simplifyStep(n: number, d: number): string[] {
  const g = gcd(n, d);
  if (g === 1 || n === 0) return [];
  return [`Divide the numerator and denominator by ${g}: ${frac(n, d)} = ${fractionText(fraction(n, d))}`];
}

/** terms[i] = [numerator, denominator]; ops[i] joins term i and i + 1. */
export const fractionAddSub = defineGenerator<{ nums: number[]; dens: number[]; ops: string }>({
  id: 'fraction-add-sub',
  knowledgePoints: ['fractions.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    for (;;) {
      const count = level === 3 ? 3 : 2;
      let terms: [number, number][];
      if (level === 1) {
        const d = rng.int(3, 15);
        terms = [[rng.int(1, d - 1), d], [rng.int(1, d - 1), d]];
      } else {
        terms = Array.from({ length: count }, () => properFraction(rng, level === 2 ? 12 : 10));
      }
      const ops = Array.from({ length: count - 1 }, () => rng.pick(['+', '-'])).join('');
      const params = { nums: terms.map((t) => t[0]), dens: terms.map((t) => t[1]), ops };
      const value = combine(params.nums, params.dens, ops);
      // Level 2 and 3 need different denominators; results stay non-negative.
      const distinct = level === 1 || new Set(params.dens).size > 1;
      if (value.n >= 0 && distinct) return params;
    }
  },
  render({ nums, dens, ops }, rng) {
    const common = dens.reduce((a, b) => lcm(a, b));
    const scaled = nums.map((n, i) => n * (common / dens[i]));
    const steps: string[] = [];
    if (new Set(dens).size > 1) {
      steps.push(`The least common denominator of ${dens.join(', ')} is ${common}.`);
      nums.forEach((n, i) => {
        if (dens[i] !== common) steps.push(`${frac(n, dens[i])} = ${frac(scaled[i], common)}`);
      });
    }
    const exprNums = scaled.map((n, i) => (i === 0 ? `${n}` : ` ${ops[i - 1]} ${n}`)).join('');
    const total = scaled.reduce((acc, n, i) => (i === 0 ? n : ops[i - 1] === '+' ? acc + n : acc - n), 0);
    steps.push(`Combine the numerators: ${exprNums} = ${total}, so the result is ${frac(total, common)}.`);
    steps.push(...simplifyStep(total, common));
    const text = nums.map((n, i) => (i === 0 ? frac(n, dens[i]) : ` ${ops[i - 1]} ${frac(n, dens[i])}`)).join('');
    const question = rng.pick([
      `What is ${text}? Give your answer as a fraction in lowest terms.`,
      `Compute ${text} and simplify.`,
      `Simplify ${text}.`,
    ]);
    return { question, steps, answer: fractionText(combine(nums, dens, ops)) };
  },
});

function combine(nums: number[], dens: number[], ops: string): Fraction {
  let acc = fraction(nums[0], dens[0]);
  for (let i = 1; i < nums.length; i++) {
    const sign = ops[i - 1] === '+' ? 1 : -1;
    acc = fraction(acc.n * dens[i] + sign * nums[i] * acc.d, acc.d * dens[i]);
  }
  return acc;
}

/**
 * Level 1: a/b × c/d. Level 2: a/b ÷ c/d. Level 3: a quantity, a/b of it used, then c/d of the rest; how much is left.
 */
export const fractionMulDiv = defineGenerator<{ kind: string; a: number; b: number; c: number; d: number; whole: number }>({
  id: 'fraction-mul-div',
  knowledgePoints: ['fractions.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const [a, b] = properFraction(rng, 12);
    const [c, d] = properFraction(rng, 12);
    if (level === 3) {
      // whole is a multiple of b·d so both parts are whole numbers.
      const whole = b * d * rng.int(1, Math.max(1, Math.floor(600 / (b * d))));
      return { kind: 'of-rest', a, b, c, d, whole };
    }
    return { kind: level === 1 ? 'times' : 'divide', a, b, c, d, whole: 0 };
  },
  render({ kind, a, b, c, d, whole }, rng) {
    if (kind === 'of-rest') return renderOfRest(a, b, c, d, whole, rng);
    const steps: string[] = [];
    let n: number;
    let m: number;
    if (kind === 'times') {
      n = a * c;
      m = b * d;
      steps.push(`Multiply numerators and denominators: ${frac(a, b)} × ${frac(c, d)} = ${frac(n, m)}`);
    } else {
      n = a * d;
      m = b * c;
      steps.push(`Dividing by ${frac(c, d)} is multiplying by ${frac(d, c)}.`);
      steps.push(`${frac(a, b)} × ${frac(d, c)} = ${frac(n, m)}`);
    }
    steps.push(...simplifyStep(n, m));
    const sym = kind === 'times' ? '×' : '÷';
    const question = rng.pick([
      `What is ${frac(a, b)} ${sym} ${frac(c, d)}? Give your answer in lowest terms.`,
      `Compute ${frac(a, b)} ${sym} ${frac(c, d)} and simplify.`,
      kind === 'times' ? `What is ${frac(a, b)} of ${frac(c, d)}?` : `How many times does ${frac(c, d)} go into ${frac(a, b)}?`,
    ]);
    return { question, steps, answer: fractionText(fraction(n, m)) };
  },
});

function renderOfRest(a: number, b: number, c: number, d: number, whole: number, rng: Rng) {
  const first = (whole / b) * a;
  const rest = whole - first;
  const second = (rest / d) * c;
  const left = rest - second;
  const name = rng.pick(NAMES);
  const item = rng.pick(ITEMS);
  const question = rng.pick([
    `${name} has ${whole} ${item[1]}. ${name} gives away ${frac(a, b)} of them, then sells ${frac(c, d)} of the ${item[1]} that remain. How many ${item[1]} are left?`,
    `A store starts with ${whole} ${item[1]}. On Monday it sells ${frac(a, b)} of them and on Tuesday ${frac(c, d)} of what is left. How many ${item[1]} remain?`,
  ]);
  const steps = [
    `${frac(a, b)} of ${whole} is ${whole} ÷ ${b} × ${a} = ${first}.`,
    `${whole} - ${first} = ${rest} remain.`,
    `${frac(c, d)} of ${rest} is ${rest} ÷ ${d} × ${c} = ${second}.`,
    `${rest} - ${second} = ${left}`,
  ];
  return { question, steps, answer: String(left) };
}
