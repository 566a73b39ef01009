// Evaluation of expression trees: exact (rationals) where only rational operations appear, otherwise in
// floating point with the variables taken from an assignment.
import type { Node } from './expression.ts';
import { type Rational, ratAdd, ratDiv, ratMul, ratNeg, ratPowInt, ratSub, ratToNumber, rational } from './number.ts';

export function variablesOf(node: Node, into: Set<string> = new Set()): Set<string> {
  if (node.k === 'var') into.add(node.name);
  else if ('a' in node) {
    variablesOf(node.a, into);
    if ('b' in node) variablesOf(node.b, into);
    if (node.k === 'root' && node.n) variablesOf(node.n, into);
    if (node.k === 'fn' && node.base) variablesOf(node.base, into);
  }
  return into;
}

function factorial(n: bigint): bigint {
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return r;
}

function binomial(n: bigint, k: bigint): bigint {
  if (k < 0n || k > n) return 0n;
  let r = 1n;
  for (let i = 1n; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

const isInteger = (r: Rational) => r.den === 1n;

/** Exact value when the tree uses only rational operations (no variables, roots or functions), else null. */
export function evaluateExact(node: Node): Rational | null {
  switch (node.k) {
    case 'num':
      return node.v;
    case 'var':
    case 'const':
    case 'root':
    case 'fn':
      return null;
    case 'neg': {
      const a = evaluateExact(node.a);
      return a && ratNeg(a);
    }
    case 'abs': {
      const a = evaluateExact(node.a);
      return a && (a.num < 0n ? ratNeg(a) : a);
    }
    case 'fact': {
      const a = evaluateExact(node.a);
      return a && isInteger(a) && a.num >= 0n && a.num <= 300n ? rational(factorial(a.num)) : null;
    }
    default: {
      const a = evaluateExact(node.a);
      const b = a && evaluateExact(node.b);
      if (!a || !b) return null;
      switch (node.k) {
        case 'add':
          return ratAdd(a, b);
        case 'sub':
          return ratSub(a, b);
        case 'mul':
          return ratMul(a, b);
        case 'div':
          return b.num === 0n ? null : ratDiv(a, b);
        case 'pow':
          return isInteger(b) ? ratPowInt(a, b.num) : null;
        case 'binom':
          return isInteger(a) && isInteger(b) && a.num <= 10_000n ? rational(binomial(a.num, b.num)) : null;
      }
    }
  }
}

function gammaFactorial(x: number): number {
  if (!Number.isInteger(x) || x < 0) return NaN;
  let r = 1;
  for (let i = 2; i <= x && r !== Infinity; i++) r *= i;
  return r;
}

function applyFunction(name: string, x: number, base: number | null): number {
  switch (name) {
    case 'sin': return Math.sin(x);
    case 'cos': return Math.cos(x);
    case 'tan': return Math.tan(x);
    case 'sec': return 1 / Math.cos(x);
    case 'csc': return 1 / Math.sin(x);
    case 'cot': return 1 / Math.tan(x);
    case 'arcsin': return Math.asin(x);
    case 'arccos': return Math.acos(x);
    case 'arctan': return Math.atan(x);
    case 'sinh': return Math.sinh(x);
    case 'cosh': return Math.cosh(x);
    case 'tanh': return Math.tanh(x);
    case 'ln': return Math.log(x);
    case 'lg': return Math.log10(x);
    // \log without a base: base 10, the usual reading in school problems
    case 'log': return base === null ? Math.log10(x) : Math.log(x) / Math.log(base);
    case 'exp': return Math.exp(x);
    default: return NaN;
  }
}

/** Real n-th root, also of negative numbers for odd n (\sqrt[3]{-8} = -2). */
function realRoot(x: number, n: number): number {
  if (n === 2) return Math.sqrt(x);
  if (x < 0 && Number.isInteger(n) && n % 2 === 1) return -Math.pow(-x, 1 / n);
  return Math.pow(x, 1 / n);
}

/** Floating-point value with the variables taken from `env` (NaN where undefined). */
export function evaluateFloat(node: Node, env: ReadonlyMap<string, number>): number {
  switch (node.k) {
    case 'num': return ratToNumber(node.v);
    case 'var': return env.get(node.name) ?? NaN;
    case 'const': return node.name === 'pi' ? Math.PI : node.name === 'e' ? Math.E : Infinity;
    case 'neg': return -evaluateFloat(node.a, env);
    case 'abs': return Math.abs(evaluateFloat(node.a, env));
    case 'fact': return gammaFactorial(evaluateFloat(node.a, env));
    case 'root': return realRoot(evaluateFloat(node.a, env), node.n ? evaluateFloat(node.n, env) : 2);
    case 'fn': return applyFunction(node.name, evaluateFloat(node.a, env), node.base ? evaluateFloat(node.base, env) : null);
    case 'add': return evaluateFloat(node.a, env) + evaluateFloat(node.b, env);
    case 'sub': return evaluateFloat(node.a, env) - evaluateFloat(node.b, env);
    case 'mul': return evaluateFloat(node.a, env) * evaluateFloat(node.b, env);
    case 'div': {
      // a denominator that overflowed (1/2004!) gives no value, not 0: true infinities never reach here
      const b = evaluateFloat(node.b, env);
      return Number.isFinite(b) ? evaluateFloat(node.a, env) / b : NaN;
    }
    case 'pow': {
      const a = evaluateFloat(node.a, env);
      const b = evaluateFloat(node.b, env);
      // a negative base with an odd-denominator exponent such as 1/3 has a real value
      if (a < 0 && !Number.isInteger(b) && node.b.k === 'div') {
        const n = evaluateFloat(node.b.b, env);
        if (Number.isInteger(n) && n % 2 === 1) return Math.pow(realRoot(a, n), evaluateFloat(node.b.a, env));
      }
      return Math.pow(a, b);
    }
    case 'binom': {
      const n = evaluateFloat(node.a, env);
      const k = evaluateFloat(node.b, env);
      if (!Number.isInteger(n) || !Number.isInteger(k)) return NaN;
      return gammaFactorial(n) / (gammaFactorial(k) * gammaFactorial(n - k));
    }
  }
}
