// A small parser for the algebraic answers of math problems (LaTeX or plain text) into expression trees
// (evaluated in evaluate.ts):
//   2x^2 + 3x - 1,  \frac{\sqrt{3}}{2},  (x+1)(x-1),  \sin^2 x,  \log_2 8,  |x|,  n!,  \binom{5}{2},  1.5e3
// A letter is a variable (2xy = 2·x·y), except e (Euler's number); a run of four or more letters that is not a
// known function name is a word, not a product, and makes the parse fail.
import { type Rational, decimalToRational } from './number.ts';

export type Node =
  | { k: 'num'; v: Rational }
  | { k: 'var'; name: string }
  | { k: 'const'; name: 'pi' | 'e' | 'inf' }
  | { k: 'neg' | 'abs' | 'fact'; a: Node }
  | { k: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'binom'; a: Node; b: Node }
  | { k: 'root'; a: Node; n: Node | null }
  | { k: 'fn'; name: string; a: Node; base: Node | null };

type Token =
  | { t: 'num'; text: string }
  | { t: 'var'; name: string }
  | { t: 'const'; name: 'pi' | 'e' | 'inf' }
  | { t: 'fn'; name: string }
  | { t: 'cmd'; name: 'frac' | 'sqrt' | 'binom' }
  | { t: 'op'; op: string };

const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'log', 'ln', 'lg', 'exp']);
const GREEK = new Set('alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Upsilon Phi Psi Omega'.split(' '));
const OPERATOR_COMMANDS: Record<string, string> = { cdot: '*', times: '*', ast: '*', div: '/' };

class ParseError extends Error {}

function tokenizeLetters(run: string, out: Token[]): void {
  const lower = run.toLowerCase();
  if (FUNCTIONS.has(lower) || lower === 'sqrt') {
    out.push(lower === 'sqrt' ? { t: 'cmd', name: 'sqrt' } : { t: 'fn', name: lower });
  } else if (lower === 'pi') out.push({ t: 'const', name: 'pi' });
  else if (lower === 'inf' || lower === 'infty' || lower === 'infinity') out.push({ t: 'const', name: 'inf' });
  else if (run.length >= 4) throw new ParseError(`word "${run}"`);
  else for (const c of run) out.push(c === 'e' ? { t: 'const', name: 'e' } : { t: 'var', name: c });
}

/** Subscript after a variable: x_1, x_{12}, a_n -> the variable's name includes it. */
function readSubscript(s: string, i: number): [string, number] {
  if (s[i] !== '_') return ['', i];
  if (s[i + 1] === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) throw new ParseError('unclosed subscript');
    return ['_' + s.slice(i + 2, end).replace(/\s+/g, ''), end + 1];
  }
  if (/[A-Za-z0-9]/.test(s[i + 1] ?? '')) return ['_' + s[i + 1], i + 2];
  throw new ParseError('empty subscript');
}

function tokenizeCommand(name: string, out: Token[]): void {
  if (name === 'frac' || name === 'sqrt' || name === 'binom') out.push({ t: 'cmd', name });
  else if (name in OPERATOR_COMMANDS) out.push({ t: 'op', op: OPERATOR_COMMANDS[name] });
  else if (FUNCTIONS.has(name)) out.push({ t: 'fn', name });
  else if (name === 'pi') out.push({ t: 'const', name: 'pi' });
  else if (name === 'infty') out.push({ t: 'const', name: 'inf' });
  else if (GREEK.has(name)) out.push({ t: 'var', name: '\\' + name });
  else throw new ParseError(`unknown command \\${name}`);
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ') {
      i++;
    } else if (/[\d.]/.test(c)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+(?![\d.]))?/.exec(s.slice(i, i + 400));
      if (!m) throw new ParseError(`stray "${c}"`);
      out.push({ t: 'num', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z]/.test(c)) {
      const run = /^[A-Za-z]+/.exec(s.slice(i, i + 64))![0];
      i += run.length;
      tokenizeLetters(run, out);
      const [sub, next] = readSubscript(s, i);
      const lastToken = out[out.length - 1];
      if (sub && lastToken.t === 'var') lastToken.name += sub;
      else if (sub && !(lastToken.t === 'fn' && lastToken.name === 'log')) throw new ParseError('subscript on a non-variable');
      if (!sub) continue;
      if (lastToken.t === 'fn') out.push({ t: 'op', op: '_' });
      i = lastToken.t === 'fn' ? i + 1 : next;
    } else if (c === '\\') {
      const m = /^\\([A-Za-z]+)/.exec(s.slice(i, i + 64));
      if (!m) throw new ParseError(`stray "\\${s[i + 1] ?? ''}"`);
      i += m[0].length;
      tokenizeCommand(m[1], out);
      const lastToken = out[out.length - 1];
      if (lastToken.t === 'var') {
        const [sub, next] = readSubscript(s, i);
        lastToken.name += sub;
        i = next;
      } else if (lastToken.t === 'fn' && lastToken.name === 'log' && s[i] === '_') {
        out.push({ t: 'op', op: '_' });
        i++;
      }
    } else if ('+-*/^()[]{}|!'.includes(c)) {
      out.push({ t: 'op', op: c });
      i++;
    } else {
      throw new ParseError(`unexpected "${c}"`);
    }
  }
  return out;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Recursive-descent parser; precedence: + - < * / (and implicit products) < unary minus < ^ < ! */
class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression();
    if (this.pos < this.tokens.length) throw new ParseError('trailing input');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(op: string, token = this.peek()): boolean {
    return token?.t === 'op' && token.op === op;
  }

  private expect(op: string): void {
    if (!this.isOp(op)) throw new ParseError(`expected "${op}"`);
    this.pos++;
  }

  private expression(): Node {
    if (++this.depth > 200) throw new ParseError('nested too deep');
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.tokens[this.pos++] as { op: string }).op;
      left = { k: op === '+' ? 'add' : 'sub', a: left, b: this.term() };
    }
    this.depth--;
    return left;
  }

  /** A token that can start an operand of an implicit product: 2x, x(x+1), 2\sqrt{3}. */
  private startsOperand(token = this.peek()): boolean {
    if (!token) return false;
    if (token.t === 'op') return token.op === '(' || token.op === '[' || token.op === '{';
    return true;
  }

  private term(): Node {
    let left = this.unary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/')) {
        const op = (this.tokens[this.pos++] as { op: string }).op;
        left = { k: op === '*' ? 'mul' : 'div', a: left, b: this.unary() };
      } else if (this.startsOperand()) {
        if (this.peek()!.t === 'num') throw new ParseError('number after an operand');
        left = { k: 'mul', a: left, b: this.power() };
      } else return left;
    }
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.pos++;
      return { k: 'neg', a: this.unary() };
    }
    if (this.isOp('+')) {
      this.pos++;
      return this.unary();
    }
    return this.power();
  }

  private power(): Node {
    const base = this.postfix(this.primary());
    if (!this.isOp('^')) return base;
    this.pos++;
    return { k: 'pow', a: base, b: this.exponent() };
  }

  /** The exponent after ^: a group, or a signed primary (2^-1, 2^10), right-associative (2^3^2 = 2^9). */
  private exponent(): Node {
    if (this.isOp('-')) {
      this.pos++;
      return { k: 'neg', a: this.exponent() };
    }
    return this.power();
  }

  private postfix(node: Node): Node {
    while (this.isOp('!')) {
      this.pos++;
      node = { k: 'fact', a: node };
    }
    return node;
  }

  /** A braced argument of \frac, \sqrt, \binom, or a subscript / exponent group. */
  private group(): Node {
    const token = this.peek();
    if (token?.t === 'op' && CLOSING[token.op]) {
      this.pos++;
      const inner = this.expression();
      this.expect(CLOSING[token.op]);
      return inner;
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.tokens[this.pos++];
    if (!token) throw new ParseError('unexpected end');
    switch (token.t) {
      case 'num': {
        const v = decimalToRational(token.text);
        if (!v) throw new ParseError(`bad number ${token.text}`);
        return { k: 'num', v };
      }
      case 'var':
        return { k: 'var', name: token.name };
      case 'const':
        return { k: 'const', name: token.name };
      case 'cmd':
        return this.command(token.name);
      case 'fn':
        return this.functionCall(token.name);
      case 'op':
        if (CLOSING[token.op]) {
          const inner = this.expression();
          this.expect(CLOSING[token.op]);
          return inner;
        }
        if (token.op === '|') {
          const inner = this.expression();
          this.expect('|');
          return { k: 'abs', a: inner };
        }
        throw new ParseError(`unexpected "${token.op}"`);
    }
  }

  private command(name: 'frac' | 'sqrt' | 'binom'): Node {
    if (name === 'sqrt') {
      let n: Node | null = null;
      if (this.isOp('[')) {
        this.pos++;
        n = this.expression();
        this.expect(']');
      }
      return { k: 'root', a: this.group(), n };
    }
    const a = this.group();
    const b = this.group();
    return { k: name === 'frac' ? 'div' : 'binom', a, b };
  }

  /** \sin x, \sin(2x), \sin^2 x = (\sin x)^2, \log_2 8, \ln|x|. A bare argument is one power term: \sin 2x = \sin(2x). */
  private functionCall(name: string): Node {
    let base: Node | null = null;
    if (this.isOp('_')) {
      this.pos++;
      base = this.group();
    }
    let power: Node | null = null;
    if (this.isOp('^')) {
      this.pos++;
      power = this.exponent();
    }
    let arg: Node;
    if (this.isOp('(')) arg = this.power();
    else {
      arg = this.unary();
      while (this.startsOperand() && this.peek()!.t !== 'fn' && this.peek()!.t !== 'num') arg = { k: 'mul', a: arg, b: this.power() };
    }
    const call: Node = { k: 'fn', name, a: arg, base };
    return power ? { k: 'pow', a: call, b: power } : call;
  }
}

/** The expression tree of an answer; throws (a ParseError) when it is not an expression. */
export function parseExpression(text: string): Node {
  if (text.length > 2000) throw new ParseError('too long');
  return new Parser(tokenize(text)).parse();
}

/** Parse, or null instead of an error. */
export function tryParseExpression(text: string): Node | null {
  try {
    return parseExpression(text);
  } catch {
    return null;
  }
}
