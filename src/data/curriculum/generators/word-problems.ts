// Multi-step word problems: two (level 1), three (level 2) or four (level 3) whole-number operations,
// each a line of the solution.
import type { Rng } from '../rng.ts';
import type { Rendered } from '../types.ts';
import { defineGenerator } from '../types.ts';
import { CONTAINERS, ITEMS, NAMES } from './words.ts';

/**
 * Scenarios by level/scenario, v the values in order:
 * 1/0 change: n items at p each, paid with a bill B.           1/1 packs: has s, buys n packs of k.
 * 2/0 wages: w per hour, h hours a day, d days, spends x.      2/1 shelves: r rows of c items, sells s, gets t more.
 * 3/0 bakery: t trays of c cookies, e eaten, rest in boxes of k sold at p each (revenue).
 * 3/1 trip: d days of m km, 1 liter per q km, p dollars a liter (fuel cost).
 */
export const multiStep = defineGenerator<{ level: number; scenario: number; v: number[] }>({
  id: 'multi-step',
  knowledgePoints: ['word.multi-step'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const scenario = rng.int(0, 1);
    return { level, scenario, v: sampleValues(rng, level, scenario) };
  },
  render({ level, scenario, v }, rng) {
    const who = rng.pick(NAMES);
    const item = rng.pick(ITEMS);
    const render = RENDERERS[`${level}/${scenario}`];
    if (!render) throw new Error(`multi-step: no scenario ${level}/${scenario}`);
    return render(v, who, item, rng);
  },
});

function sampleValues(rng: Rng, level: number, scenario: number): number[] {
  switch (`${level}/${scenario}`) {
    case '1/0': {
      const [n, p] = [rng.int(2, 9), rng.int(2, 19)];
      return [n, p, [20, 50, 100, 200].find((b) => b >= n * p) ?? 200];
    }
    case '1/1':
      return [rng.int(5, 60), rng.int(2, 9), rng.int(3, 12)];
    case '2/0': {
      const [w, h, d] = [rng.int(8, 25), rng.int(2, 8), rng.int(2, 6)];
      return [w, h, d, rng.int(1, w * h * d - 1)];
    }
    case '2/1': {
      const [r, c] = [rng.int(3, 12), rng.int(4, 15)];
      return [r, c, rng.int(1, r * c - 1), rng.int(1, 50)];
    }
    case '3/0': {
      // t·c - e must be a positive multiple of k: e is what is left over (or a whole box when nothing is).
      const [t, c, k] = [rng.int(2, 8), rng.int(8, 24), rng.pick([4, 6, 8, 10, 12])];
      return [t, c, (t * c) % k || k, k, rng.int(3, 15)];
    }
    default: {
      // d·m must be a multiple of q: m is.
      const [d, q] = [rng.int(2, 7), rng.pick([5, 8, 10, 12, 15, 20])];
      return [d, q * rng.int(2, 30), q, rng.int(1, 3)];
    }
  }
}

type Renderer = (v: number[], who: string, item: readonly [string, string], rng: Rng) => Rendered;

const RENDERERS: Record<string, Renderer> = {
  '1/0': ([n, p, bill], who, item) => ({
    question: `${who} buys ${n} ${item[1]} for $${p} each and pays with a $${bill} bill. How many dollars of change does ${who} get?`,
    steps: [`${n} × ${p} = ${n * p}`, `${bill} - ${n * p} = ${bill - n * p}`],
    answer: String(bill - n * p),
  }),
  '1/1': ([s, n, k], who, item, rng) => {
    const box = rng.pick(CONTAINERS);
    return {
      question: `${who} has ${s} ${item[1]} and buys ${n} ${box[1]} with ${k} ${item[1]} in each. How many ${item[1]} does ${who} have now?`,
      steps: [`${n} × ${k} = ${n * k}`, `${s} + ${n * k} = ${s + n * k}`],
      answer: String(s + n * k),
    };
  },
  '2/0': ([w, h, d, x], who) => ({
    question: `${who} earns $${w} an hour and works ${h} hours a day for ${d} days, then spends $${x}. How many dollars does ${who} have left?`,
    steps: [`${w} × ${h} = ${w * h} dollars a day`, `${w * h} × ${d} = ${w * h * d}`, `${w * h * d} - ${x} = ${w * h * d - x}`],
    answer: String(w * h * d - x),
  }),
  '2/1': ([r, c, s, t], _who, item) => ({
    question: `A shop has ${r} shelves with ${c} ${item[1]} on each. It sells ${s} ${item[1]} and then receives ${t} more. How many ${item[1]} does it have now?`,
    steps: [`${r} × ${c} = ${r * c}`, `${r * c} - ${s} = ${r * c - s}`, `${r * c - s} + ${t} = ${r * c - s + t}`],
    answer: String(r * c - s + t),
  }),
  '3/0': ([t, c, e, k, p]) => {
    const boxes = (t * c - e) / k;
    return {
      question: `A baker makes ${t} trays of ${c} cookies. The staff eat ${e} cookies, and the rest are packed in boxes of ${k} that sell for $${p} each. How many dollars does the baker make?`,
      steps: [`${t} × ${c} = ${t * c} cookies`, `${t * c} - ${e} = ${t * c - e}`, `${t * c - e} ÷ ${k} = ${boxes} boxes`, `${boxes} × ${p} = ${boxes * p}`],
      answer: String(boxes * p),
    };
  },
  '3/1': ([d, m, q, p], who) => {
    const liters = (d * m) / q;
    return {
      question: `${who} drives ${m} km a day for ${d} days. The car uses 1 liter of fuel every ${q} km, and fuel costs $${p} a liter. How many dollars does the fuel cost?`,
      steps: [`${d} × ${m} = ${d * m} km`, `${d * m} ÷ ${q} = ${liters} liters`, `${liters} × ${p} = ${liters * p}`],
      answer: String(liters * p),
    };
  },
};
