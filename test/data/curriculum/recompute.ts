// An independent re-computation of every curriculum generator's answer, from the question text where that is
// practical (expressions, equations, sequences) and otherwise from the stored parameters, by brute force or
// by a formula written separately from the generator's own code.
import { Q, numbersIn, q } from './exact.ts';

type P = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Evaluates + - × ÷ and brackets with the usual precedence (recursive descent), exactly. */
export function evaluateExpression(text: string): Q {
  const tokens = text.match(/\d+|[+\-×÷()]/g) ?? [];
  let i = 0;
  const primary = (): Q => {
    const t = tokens[i++];
    if (t === '(') {
      const v = expr();
      if (tokens[i++] !== ')') throw new Error(`missing ) in ${text}`);
      return v;
    }
    if (t === undefined || !/^\d+$/.test(t)) throw new Error(`unexpected "${t}" in ${text}`);
    return new Q(BigInt(t));
  };
  const product = (): Q => {
    let v = primary();
    while (tokens[i] === '×' || tokens[i] === '÷') v = tokens[i++] === '×' ? v.mul(primary()) : v.div(primary());
    return v;
  };
  const expr = (): Q => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') v = tokens[i++] === '+' ? v.add(product()) : v.sub(product());
    return v;
  };
  const v = expr();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${text}`);
  return v;
}

/** Value of a linear side such as "3x - 4", "-x + 7", "12" at the unknown = x. */
function linearSide(side: string, v: string, x: Q): Q {
  const compact = side.replace(/\s+/g, '');
  let total = q(0);
  for (const m of compact.matchAll(/([+-]?)(\d*)([a-z]?)/g)) {
    if (m[0] === '') continue;
    const sign = m[1] === '-' ? -1 : 1;
    if (m[3]) {
      if (m[3] !== v) throw new Error(`unexpected variable ${m[3]} in ${side}`);
      total = total.add(q(sign * (m[2] ? Number(m[2]) : 1)).mul(x));
    } else total = total.add(q(sign * Number(m[2])));
  }
  return total;
}

// Units in a common base per dimension (seconds, millimeters, grams, milliliters, cents, inches).
const UNIT_BASE: Record<string, [string, number]> = {
  seconds: ['time', 1], minutes: ['time', 60], hours: ['time', 3600], days: ['time', 86400], weeks: ['time', 604800],
  millimeters: ['length', 1], centimeters: ['length', 10], meters: ['length', 1000], kilometers: ['length', 1_000_000],
  grams: ['mass', 1], kilograms: ['mass', 1000], milliliters: ['volume', 1], liters: ['volume', 1000],
  cents: ['money', 1], dollars: ['money', 100], inches: ['imperial', 1], feet: ['imperial', 12], yards: ['imperial', 36],
};

/** Unit names in a question, in order of appearance. */
function unitsIn(text: string): string[] {
  const names = Object.keys(UNIT_BASE).join('|');
  return [...text.matchAll(new RegExp(`\\b(${names})\\b`, 'g'))].map((m) => m[1]);
}

function convert(value: Q, from: string, to: string): Q {
  const [df, bf] = UNIT_BASE[from];
  const [dt, bt] = UNIT_BASE[to];
  if (df !== dt) throw new Error(`cannot convert ${from} to ${to}`);
  return value.mul(q(bf, bt));
}

function bruteGcd(nums: number[]): number {
  for (let d = Math.min(...nums); d >= 1; d--) if (nums.every((n) => n % d === 0)) return d;
  return 1;
}

function bruteLcm(nums: number[]): number {
  const top = Math.max(...nums);
  for (let m = top; ; m += top) if (nums.every((n) => m % n === 0)) return m;
}

/** The answer each generator should have given, computed another way. */
export const RECOMPUTE: Record<string, (p: P, question: string) => Q> = {
  add: (p) => q(sum(p.terms)),
  subtract: (p) => q(p.start - sum(p.minus)),
  multiply: (p) => new Q(BigInt(p.a) * BigInt(p.b)),
  'divide-remainder': (p) => {
    const [a, b] = [BigInt(p.dividend), BigInt(p.divisor)];
    return new Q(p.ask === 'quotient' ? a / b : a % b);
  },
  'order-of-operations': (_p, question) => {
    const m = /(?:Evaluate|value of|Compute) ([\d\s+\-×÷()]+?)(?:[.?,]|$)/.exec(question);
    if (!m) throw new Error(`no expression in "${question}"`);
    return evaluateExpression(m[1]);
  },
  'fraction-add-sub': (p) =>
    (p.nums as number[]).reduce((acc: Q, n: number, i: number) => {
      const f = q(n, p.dens[i]);
      return i === 0 ? f : p.ops[i - 1] === '+' ? acc.add(f) : acc.sub(f);
    }, q(0)),
  'fraction-mul-div': (p) => {
    const [x, y] = [q(p.a, p.b), q(p.c, p.d)];
    if (p.kind === 'times') return x.mul(y);
    if (p.kind === 'divide') return x.div(y);
    const rest = q(p.whole).sub(q(p.whole).mul(x));
    return rest.sub(rest.mul(y));
  },
  'decimal-add-sub': (p) =>
    (p.scaled as number[]).reduce((acc: Q, s: number, i: number) => {
      const v = q(s, 10 ** p.places[i]);
      return i === 0 ? v : p.ops[i - 1] === '+' ? acc.add(v) : acc.sub(v);
    }, q(0)),
  'decimal-multiply': (p) =>
    p.qty.length === 2 ? q(p.a * p.qty[0] + p.c * p.qty[1], 100) : q(p.a, 10 ** p.aPlaces).mul(q(p.b, 10 ** p.bPlaces)),
  'percent-of': (p) => {
    const factor = p.change === 'discount' ? 100 - p.percent : p.change === 'increase' ? 100 + p.percent : p.percent;
    return q(p.base).mul(q(factor, 100));
  },
  'percent-ratio': (p, question) => {
    if (p.kind === 'what-percent') return q(p.part, p.base).mul(q(100));
    // from the question: "from A to B"
    const [from, to] = numbersIn(question.slice(question.indexOf('from')));
    return q(Math.abs(to - from), from).mul(q(100));
  },
  'ratio-share': (p, question) => {
    const parts = (p.parts as number[]).map((x) => q(x));
    const total = parts.reduce((a, b) => a.add(b));
    if (p.kind === 'difference') {
      const diff = numbersIn(question.slice(question.indexOf(' gets ')))[0];
      return q(diff).div(parts[0].sub(parts[1]).n < 0n ? parts[1].sub(parts[0]) : parts[0].sub(parts[1])).mul(total);
    }
    const amount = numbersIn(question.replace(/ratio [\d:]+/, ''))[0];
    return q(amount).mul(parts[p.ask]).div(total);
  },
  'ratio-scale': (p, question) => {
    const nums = numbersIn(question.replace(/\$/g, ''));
    if (p.kind === 'recipe') return q(nums[2]).mul(q(nums[1], nums[0])); // a to b; given c of the first
    if (p.kind === 'proportion') return q(nums[2]).mul(q(nums[1], nums[0]));
    // "<a> items cost $<price>… <b> items" or "pays $<price> for <a> … <b>"
    const [first, second, third] = nums;
    const pays = question.includes(' pays ');
    const [count, price] = pays ? [second, first] : [first, second];
    return Q.parse(String(price)).mul(q(third, count));
  },
  'unit-conversion': (p, question) => {
    const units = unitsIn(question);
    const nums = numbersIn(question);
    if (p.kind === 'speed') return q(nums[0] * 1000, 3600);
    if (p.kind === 'mixed') {
      // "<v> <from> <r> <to>": the target unit is named twice, the larger one once.
      const to = units.find((u) => units.filter((x) => x === u).length === 2);
      const from = units.find((u) => u !== to);
      if (!to || !from) throw new Error(`mixed units not found in "${question}"`);
      return convert(q(nums[0]), from, to).add(q(nums[1]));
    }
    // "How many <to> are in <value> <from>?", "Convert <value> <from> to <to>.", "<value> <from> is how many <to>?"
    const [to, from] = question.startsWith('How many') ? [units[0], units[1]] : [units[1], units[0]];
    return convert(q(nums[0]), from, to);
  },
  'multi-step': (p) => {
    const v = p.v as number[];
    switch (`${p.level}/${p.scenario}`) {
      case '1/0': return q(v[2] - v[0] * v[1]);
      case '1/1': return q(v[0] + v[1] * v[2]);
      case '2/0': return q(v[0] * v[1] * v[2] - v[3]);
      case '2/1': return q(v[0] * v[1] - v[2] + v[3]);
      case '3/0': return q(v[0] * v[1] - v[2], v[3]).mul(q(v[4]));
      default: return q(v[0] * v[1], v[2]).mul(q(v[3]));
    }
  },
  'linear-equation': (_p, question) => {
    const m = /(?:Solve for|Find|value of) ([a-z])(?::| if| satisfies) (.+) = (.+?)[.?]$/.exec(question);
    if (!m) throw new Error(`no equation in "${question}"`);
    // Solve by brute force over the integers in range: the unique x with left = right.
    const hits: number[] = [];
    for (let x = -200; x <= 200; x++) if (linearSide(m[2], m[1], q(x)).eq(linearSide(m[3], m[1], q(x)))) hits.push(x);
    if (hits.length !== 1) throw new Error(`equation "${question}" has ${hits.length} integer solutions in range`);
    return q(hits[0]);
  },
  rectangle: (p) => {
    if (p.cw > 0) return p.ask === 'area' ? q(p.w * p.h - p.cw * p.ch) : q(2 * p.w + 2 * p.h);
    if (p.ask === 'area') return q(p.w * p.h);
    if (p.ask === 'perimeter') return q(2 * p.w + 2 * p.h);
    return q(p.h);
  },
  'triangle-area': (p) =>
    p.kind === 'triangle-area' ? q(p.a * p.b, 2) : p.kind === 'triangle-perimeter' ? q(p.a + p.b + p.c) : q((p.a + p.b) * p.c, 2),
  'gcd-lcm': (p) => q(p.ask === 'gcd' ? bruteGcd(p.nums) : bruteLcm(p.nums)),
  divisibility: (p) => {
    if (p.kind === 'next-multiple') {
      let m = p.n + 1;
      while (m % p.a !== 0) m++;
      return q(m);
    }
    let count = 0;
    for (let i = 1; i <= p.n; i++) if (i % p.a === 0 || (p.kind === 'count-either' && i % p.b === 0)) count++;
    return q(count);
  },
  'arithmetic-sequence': (p, question) => {
    const shown = numbersIn(question.slice(question.search(/-?\d+, /)));
    const d = shown[1] - shown[0];
    if (p.ask === 'next') return q(shown[3] + d);
    let value = shown[0];
    let total = 0;
    for (let i = 1; i <= p.n; i++) {
      total += value;
      if (i < p.n) value += d;
    }
    return q(p.ask === 'nth' ? value : total);
  },
  mean: (p) => (p.kind === 'missing' ? q(p.mean * (p.values.length + 1) - sum(p.values)) : q(sum(p.values), p.values.length)),
};
