// Decimals: adding and subtracting, multiplying. Values are carried as integers scaled by 10^places
// so every answer is exact.
import { decimalText, moneyText } from '../format.ts';
import type { Rng } from '../rng.ts';
import { defineGenerator } from '../types.ts';
import { ITEMS, NAMES } from './words.ts';

/** `scaled` (at `places`) rescaled to `to` places. */
const rescale = (scaled: number, places: number, to: number) => scaled * 10 ** (to - places);

/** Level 1: tenths, two numbers. Level 2: hundredths, two numbers. Level 3: three numbers with 1 to 3 places. */
export const decimalAddSub = defineGenerator<{ scaled: number[]; places: number[]; ops: string }>({
  id: 'decimal-add-sub',
  knowledgePoints: ['decimals.basic'],
  levels: [1, 2, 3],
  sample(rng, level) {
    for (;;) {
      const count = level === 3 ? 3 : 2;
      const places = Array.from({ length: count }, () => (level === 3 ? rng.int(1, 3) : level));
      // Whole parts up to 99 (level 1) or 999; never a whole number (the last digit is not 0).
      const scaled = places.map((p) => rng.int(1, level === 1 ? 99 : 999) * 10 ** p + rng.int(1, 10 ** p - 1));
      const keep = scaled.map((s) => s % 10 !== 0);
      const ops = Array.from({ length: count - 1 }, () => rng.pick(['+', '-'])).join('');
      const params = { scaled, places, ops };
      if (keep.every(Boolean) && decimalSum(params).scaled >= 0) return params;
    }
  },
  render(params, rng) {
    const { scaled, places, ops } = params;
    const texts = scaled.map((s, i) => decimalText(s, places[i]));
    const p = Math.max(...places);
    const steps: string[] = [];
    if (new Set(places).size > 1) {
      steps.push(`Line up the decimal points, writing each number with ${p} decimal places: ${scaled.map((s, i) => rescale(s, places[i], p)).map((s) => padded(s, p)).join(', ')}.`);
    }
    let acc = rescale(scaled[0], places[0], p);
    for (let i = 1; i < scaled.length; i++) {
      const next = rescale(scaled[i], places[i], p);
      const result = ops[i - 1] === '+' ? acc + next : acc - next;
      steps.push(`${decimalText(acc, p)} ${ops[i - 1]} ${decimalText(next, p)} = ${decimalText(result, p)}`);
      acc = result;
    }
    const expr = texts.map((t, i) => (i === 0 ? t : ` ${ops[i - 1]} ${t}`)).join('');
    const question = rng.pick([`What is ${expr}?`, `Compute ${expr}.`, `Calculate ${expr}.`]);
    const { scaled: total, places: tp } = decimalSum(params);
    return { question, steps, answer: decimalText(total, tp) };
  },
});

/** An integer in [lo, hi] not ending in 0, so a scaled decimal keeps its last decimal place. */
function notRound(rng: Rng, lo: number, hi: number): number {
  for (;;) {
    const v = rng.int(lo, hi);
    if (v % 10 !== 0) return v;
  }
}

/** Fixed-point text with exactly p places (for lining up), e.g. (1250, 3) → "1.250". */
function padded(scaled: number, p: number): string {
  const s = String(Math.abs(scaled)).padStart(p + 1, '0');
  return `${scaled < 0 ? '-' : ''}${s.slice(0, s.length - p)}.${s.slice(s.length - p)}`;
}

function decimalSum({ scaled, places, ops }: { scaled: number[]; places: number[]; ops: string }) {
  const p = Math.max(...places);
  let acc = rescale(scaled[0], places[0], p);
  for (let i = 1; i < scaled.length; i++) acc += (ops[i - 1] === '+' ? 1 : -1) * rescale(scaled[i], places[i], p);
  return { scaled: acc, places: p };
}

/**
 * Level 1: a tenths decimal times a whole number. Level 2: two decimals. Level 3: a shopping bill
 * (two prices in cents times quantities), answered in dollars.
 */
export const decimalMultiply = defineGenerator<{ a: number; aPlaces: number; b: number; bPlaces: number; c: number; qty: number[] }>({
  id: 'decimal-multiply',
  knowledgePoints: ['decimals.basic', 'arith.multiply'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) return { a: notRound(rng, 11, 99), aPlaces: 1, b: rng.int(2, 19), bPlaces: 0, c: 0, qty: [] };
    if (level === 2) {
      const aPlaces = rng.int(1, 2);
      return { a: notRound(rng, 11, aPlaces === 1 ? 199 : 999), aPlaces, b: notRound(rng, 2, 99), bPlaces: 1, c: 0, qty: [] };
    }
    // Prices in cents.
    return { a: rng.int(101, 2999), aPlaces: 2, b: 0, bPlaces: 0, c: rng.int(101, 2999), qty: [rng.int(2, 9), rng.int(2, 9)] };
  },
  render({ a, aPlaces, b, bPlaces, c, qty }, rng) {
    if (qty.length === 2) {
      const total = a * qty[0] + c * qty[1];
      const name = rng.pick(NAMES);
      const [one, two] = rng.sample(ITEMS, 2);
      const question = rng.pick([
        `${name} buys ${qty[0]} ${one[1]} at ${moneyText(a)} each and ${qty[1]} ${two[1]} at ${moneyText(c)} each. How many dollars does ${name} spend in total?`,
        `At a market, ${one[1]} cost ${moneyText(a)} each and ${two[1]} cost ${moneyText(c)} each. What is the total cost in dollars of ${qty[0]} ${one[1]} and ${qty[1]} ${two[1]}?`,
      ]);
      const steps = [
        `${qty[0]} × ${decimalText(a, 2)} = ${decimalText(a * qty[0], 2)}`,
        `${qty[1]} × ${decimalText(c, 2)} = ${decimalText(c * qty[1], 2)}`,
        `${decimalText(a * qty[0], 2)} + ${decimalText(c * qty[1], 2)} = ${decimalText(total, 2)}`,
      ];
      return { question, steps, answer: decimalText(total, 2) };
    }
    const at = decimalText(a, aPlaces);
    const bt = decimalText(b, bPlaces);
    const product = a * b;
    const places = aPlaces + bPlaces;
    const steps = [
      `Multiply as whole numbers: ${a} × ${b} = ${product}.`,
      `The factors have ${aPlaces} + ${bPlaces} = ${places} decimal place${places === 1 ? '' : 's'}, so ${at} × ${bt} = ${decimalText(product, places)}.`,
    ];
    const question = rng.pick([`What is ${at} × ${bt}?`, `Compute ${at} times ${bt}.`, `Find the product of ${at} and ${bt}.`]);
    return { question, steps, answer: decimalText(product, places) };
  },
});
