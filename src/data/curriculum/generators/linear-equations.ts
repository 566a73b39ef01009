// Linear equations in one unknown with a whole-number solution:
// level 1 x + a = b or a·x = b; level 2 a·x + b = c; level 3 a·x + b = c·x + d (x may be negative).
import { term } from '../format.ts';
import { defineGenerator } from '../types.ts';

const VARIABLES = ['x', 'y', 'n', 'k', 'm', 't'];

/** Coefficients of a·x + b = c·x + d, and the solution x. */
export const linearEquation = defineGenerator<{ a: number; b: number; c: number; d: number; x: number }>({
  id: 'linear-equation',
  knowledgePoints: ['algebra.linear-equations'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) {
      const x = rng.int(1, 99);
      return rng.chance(0.5) ? { a: 1, b: rng.int(1, 99), c: 0, d: 0, x } : { a: rng.int(2, 12), b: 0, c: 0, d: 0, x: rng.int(2, 30) };
    }
    if (level === 2) {
      const a = rng.int(2, 15);
      const b = rng.int(-50, 50) || 7;
      return { a, b, c: 0, d: 0, x: rng.int(-20, 30) || 3 };
    }
    for (;;) {
      const [a, c] = [rng.int(-12, 12), rng.int(-12, 12)];
      if (a === c || a === 0 || c === 0) continue;
      const x = rng.int(-15, 15);
      const b = rng.int(-40, 40);
      return { a, b, c, d: (a - c) * x + b, x };
    }
  },
  render(p, rng) {
    const v = rng.pick(VARIABLES);
    const fillD = p.c === 0 ? p.a * p.x + p.b : p.d;
    const left = side(p.a, p.b, v);
    const right = p.c === 0 ? String(fillD) : side(p.c, p.d, v);
    const steps: string[] = [];
    // Collect the unknown on the left and the numbers on the right: (a - c)·v = d - b.
    const coef = p.a - p.c;
    const rhs = fillD - p.b;
    if (p.c !== 0) {
      const move = p.c > 0 ? `Subtract ${side(p.c, 0, v)} from` : `Add ${side(-p.c, 0, v)} to`;
      steps.push(`${move} both sides: ${side(coef, p.b, v)} = ${p.d}`);
    }
    if (p.b !== 0) steps.push(`${p.b > 0 ? `Subtract ${p.b} from` : `Add ${-p.b} to`} both sides: ${side(coef, 0, v)} = ${rhs}`);
    if (coef !== 1) steps.push(`Divide both sides by ${coef}: ${v} = ${rhs} ÷ ${term(coef)} = ${rhs / coef}`);
    steps.push(`Check: ${checkText(p)}`);
    const question = rng.pick([`Solve for ${v}: ${left} = ${right}.`, `Find ${v} if ${left} = ${right}.`, `What value of ${v} satisfies ${left} = ${right}?`]);
    return { question, steps, answer: String(rhs / coef) };
  },
});

/** "3x - 4", "x + 7", "-2x", "5" (b only when a = 0). */
function side(a: number, b: number, v: number | string): string {
  const lead = a === 0 ? '' : a === 1 ? `${v}` : a === -1 ? `-${v}` : `${a}${v}`;
  if (b === 0) return lead || '0';
  if (!lead) return String(b);
  return `${lead} ${b < 0 ? '-' : '+'} ${Math.abs(b)}`;
}

function checkText({ a, b, c, d, x }: { a: number; b: number; c: number; d: number; x: number }): string {
  const leftValue = a * x + b;
  const left = `${a} × ${term(x)} + ${term(b)} = ${leftValue}`;
  if (c === 0) return left;
  return `${left} and ${c} × ${term(x)} + ${term(d)} = ${c * x + d}`;
}
