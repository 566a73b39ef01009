// Unit conversion: one-step (larger unit to smaller), mixed units and smaller to larger with decimals,
// two-step chains (hours to seconds, km/h to m/s).
import { decimalText } from '../format.ts';
import { defineGenerator } from '../types.ts';

/** [from, to, factor]: 1 from = factor to. */
export const CONVERSIONS: ReadonlyArray<readonly [string, string, number]> = [
  ['meters', 'centimeters', 100],
  ['kilometers', 'meters', 1000],
  ['centimeters', 'millimeters', 10],
  ['kilograms', 'grams', 1000],
  ['liters', 'milliliters', 1000],
  ['hours', 'minutes', 60],
  ['minutes', 'seconds', 60],
  ['days', 'hours', 24],
  ['weeks', 'days', 7],
  ['feet', 'inches', 12],
  ['yards', 'feet', 3],
  ['dollars', 'cents', 100],
];

/** Metric pairs whose factor is a power of ten: smaller → larger gives a terminating decimal. */
const DECIMAL_PAIRS = [0, 1, 2, 3, 4, 11];

/** Two-step chains [units..., factors...]. */
export const CHAINS: ReadonlyArray<{ units: [string, string, string]; factors: [number, number] }> = [
  { units: ['hours', 'minutes', 'seconds'], factors: [60, 60] },
  { units: ['kilometers', 'meters', 'centimeters'], factors: [1000, 100] },
  { units: ['days', 'hours', 'minutes'], factors: [24, 60] },
  { units: ['yards', 'feet', 'inches'], factors: [3, 12] },
  { units: ['weeks', 'days', 'hours'], factors: [7, 24] },
];

/**
 * kind "down": value [from] → [to] (whole). "mixed": whole [from] + rest [to] → [to]. "up": value [to] → [from]
 * (decimal). "chain": value through two factors. "speed": km/h → m/s (value a multiple of 18, so the answer is whole).
 */
export const unitConversion = defineGenerator<{ kind: string; pair: number; value: number; rest: number }>({
  id: 'unit-conversion',
  knowledgePoints: ['units.conversion'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) return { kind: 'down', pair: rng.int(0, CONVERSIONS.length - 1), value: rng.int(2, 199), rest: 0 };
    if (level === 2) {
      if (rng.chance(0.5)) {
        const pair = rng.int(0, CONVERSIONS.length - 1);
        return { kind: 'mixed', pair, value: rng.int(1, 40), rest: rng.int(1, CONVERSIONS[pair][2] - 1) };
      }
      const pair = rng.pick(DECIMAL_PAIRS);
      return { kind: 'up', pair, value: rng.int(1, 99 * CONVERSIONS[pair][2]), rest: 0 };
    }
    if (rng.chance(0.8)) return { kind: 'chain', pair: rng.int(0, CHAINS.length - 1), value: rng.int(2, 400), rest: 0 };
    // v km/h = v·1000/3600 m/s = v·5/18 m/s, whole when v is a multiple of 18.
    return { kind: 'speed', pair: 0, value: 18 * rng.int(1, 60), rest: 0 };
  },
  render({ kind, pair, value, rest }, rng) {
    if (kind === 'chain') {
      const { units: [u0, u1, u2], factors: [f0, f1] } = CHAINS[pair];
      const mid = value * f0;
      return {
        question: rng.pick([`How many ${u2} are in ${value} ${u0}?`, `Convert ${value} ${u0} to ${u2}.`]),
        steps: [`${value} ${u0} = ${value} × ${f0} = ${mid} ${u1}`, `${mid} ${u1} = ${mid} × ${f1} = ${mid * f1} ${u2}`],
        answer: String(mid * f1),
      };
    }
    if (kind === 'speed') {
      const perHour = value * 1000;
      return {
        question: rng.pick([`A car travels at ${value} km/h. What is its speed in meters per second?`, `Convert ${value} km/h to m/s.`]),
        steps: [`${value} km/h = ${value} × 1000 = ${perHour} meters per hour.`, `One hour is 3600 seconds: ${perHour} ÷ 3600 = ${perHour / 3600}`],
        answer: String(perHour / 3600),
      };
    }
    const [from, to, factor] = CONVERSIONS[pair];
    if (kind === 'down') {
      return {
        question: rng.pick([`How many ${to} are in ${value} ${from}?`, `Convert ${value} ${from} to ${to}.`, `${value} ${from} is how many ${to}?`]),
        steps: [`1 ${singular(from)} = ${factor} ${to}, so ${value} × ${factor} = ${value * factor}.`],
        answer: String(value * factor),
      };
    }
    if (kind === 'mixed') {
      const total = value * factor + rest;
      return {
        question: rng.pick([`How many ${to} are in ${value} ${from} ${rest} ${to}?`, `Write ${value} ${from} and ${rest} ${to} in ${to}.`]),
        steps: [`${value} ${from} = ${value} × ${factor} = ${value * factor} ${to}`, `${value * factor} + ${rest} = ${total}`],
        answer: String(total),
      };
    }
    // up: value [to] in [from]; factor is a power of ten, so value / factor is a terminating decimal.
    const places = Math.round(Math.log10(factor));
    const answer = decimalText(value, places);
    return {
      question: rng.pick([`How many ${from} are in ${value} ${to}?`, `Convert ${value} ${to} to ${from}.`]),
      steps: [`1 ${singular(from)} = ${factor} ${to}, so divide by ${factor}: ${value} ÷ ${factor} = ${answer}.`],
      answer,
    };
  },
});

function singular(unit: string): string {
  if (unit === 'feet') return 'foot';
  if (unit === 'inches') return 'inch';
  return unit.endsWith('s') ? unit.slice(0, -1) : unit;
}
