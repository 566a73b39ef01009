// The commands' one option validator: each command declares its options once (kind, default, range, help),
// and the same declaration parses the command line, checks every value before any work starts, and writes
// the option list of --help with every default.
//
// Exit codes, the same for every command: 0 = done and every input line processed; 1 = the run failed, or some
// input lines were bad (each reported in place, by 1-based line number); 2 = a usage error (an unknown option,
// a missing or invalid option value), reported before anything is read or loaded.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** The exit-code rule, as --help prints it. */
export const EXIT_CODES = `exit codes: 0 done, every input line used; 1 the run failed or some input lines were bad (each reported
by its line number, counted from 1); 2 a bad command line (unknown option, missing or invalid value).`;

/** A bad command line: main reports it and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Common {
  /** one line for --help */
  help: string;
  /** the value's name in --help (default: X for numbers, N for integers, VALUE for strings) */
  placeholder?: string;
}

/** A real number, optionally bounded; `above`/`below` are exclusive bounds, `min`/`max` inclusive. */
export interface NumberSpec extends Common {
  kind: 'number';
  default?: number;
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

export interface IntegerSpec extends Common {
  kind: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

export interface StringSpec extends Common {
  kind: 'string';
  default?: string;
  required?: boolean;
  choices?: readonly string[];
}

export interface FlagSpec extends Common {
  kind: 'flag';
}

/** A string option that may be given several times. */
export interface ListSpec extends Common {
  kind: 'list';
}

export type OptionSpec = NumberSpec | IntegerSpec | StringSpec | FlagSpec | ListSpec;
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends NumberSpec | IntegerSpec ? number : S extends FlagSpec ? boolean : S extends ListSpec ? string[] : string;
type Known<S extends OptionSpec> = S extends FlagSpec | ListSpec ? true : S extends { default: unknown } | { required: true } ? true : false;

/** Parsed values: options with a default (or required) are always present; the others may be undefined. */
export type OptionValues<T extends OptionSpecs> = { [K in keyof T]: Known<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined };

/**
 * Parses and checks `args` against `specs`; every problem is a UsageError naming the option.
 * `--name -1` is read as the value -1 (Node's parser would call it ambiguous).
 */
export function parseCommandLine<T extends OptionSpecs>(args: string[], specs: T): OptionValues<T> {
  const options: Options = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.kind === 'flag' ? { type: 'boolean' } : spec.kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  const raw = parseRaw(joinNegativeValues(args, specs), options);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = checkedValue(name, spec, raw[name]);
  return out as OptionValues<T>;
}

function parseRaw(args: string[], options: Options): Record<string, unknown> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error));
  }
}

/** `--x -1` → `--x=-1` for options that take a value, so negative numbers reach the range check. */
function joinNegativeValues(args: string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : null;
    const spec = name === null ? undefined : specs[name];
    if (spec && spec.kind !== 'flag' && i + 1 < args.length && /^-\.?\d/.test(args[i + 1])) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

function checkedValue(name: string, spec: OptionSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'flag':
      return value === true;
    case 'list':
      return (value as string[] | undefined) ?? [];
    case 'string': {
      if (value === undefined || value === '') {
        if (spec.required) throw new UsageError(`--${name} is required (${spec.help})`);
        return spec.default;
      }
      const s = value as string;
      if (spec.choices && !spec.choices.includes(s)) throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got "${s}"`);
      return s;
    }
    case 'number':
    case 'integer':
      return value === undefined ? spec.default : checkedNumber(name, spec, value as string);
  }
}

function checkedNumber(name: string, spec: NumberSpec | IntegerSpec, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  if (spec.kind === 'integer' && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got ${text}`);
  const range = describeRange(spec);
  const inRange = (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max)
    && (spec.kind === 'integer' || ((spec.above === undefined || n > spec.above) && (spec.below === undefined || n < spec.below)));
  if (!inRange) throw new UsageError(`--${name} must be ${range}, got ${text}`);
  return n;
}

/** "a number in [0, 0.5)", "a whole number >= 1", ... */
function describeRange(spec: NumberSpec | IntegerSpec): string {
  const what = spec.kind === 'integer' ? 'a whole number' : 'a number';
  const lo = spec.min !== undefined ? { v: spec.min, closed: true } : spec.kind === 'number' && spec.above !== undefined ? { v: spec.above, closed: false } : null;
  const hi = spec.max !== undefined ? { v: spec.max, closed: true } : spec.kind === 'number' && spec.below !== undefined ? { v: spec.below, closed: false } : null;
  if (lo && hi) return `${what} in ${lo.closed ? '[' : '('}${lo.v}, ${hi.v}${hi.closed ? ']' : ')'}`;
  if (lo) return `${what} ${lo.closed ? '>=' : '>'} ${lo.v}`;
  if (hi) return `${what} ${hi.closed ? '<=' : '<'} ${hi.v}`;
  return what;
}

/** 5e-5 rather than 0.00005 */
function formatNumber(n: number): string {
  return n !== 0 && Math.abs(n) < 1e-3 ? n.toExponential().replace('e-', 'e-') : String(n);
}

/** The option list for --help: one line per option with its range and default. */
export function optionsHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const placeholder = spec.kind === 'flag' ? '' : ` ${spec.placeholder ?? (spec.kind === 'number' ? 'X' : spec.kind === 'integer' ? 'N' : spec.kind === 'string' && spec.choices ? spec.choices.join('|') : 'VALUE')}`;
    const notes: string[] = [];
    if (spec.kind === 'string' && spec.required) notes.push('required');
    if ((spec.kind === 'number' || spec.kind === 'integer') && (spec.min !== undefined || spec.max !== undefined || (spec.kind === 'number' && (spec.above !== undefined || spec.below !== undefined)))) notes.push(describeRange(spec).replace(/^a (whole )?number /, ''));
    if ('default' in spec && spec.default !== undefined) notes.push(`default ${typeof spec.default === 'number' ? formatNumber(spec.default) : spec.default}`);
    if (spec.kind === 'list') notes.push('may be repeated');
    return { left: `--${name}${placeholder}`, right: spec.help + (notes.length ? ` (${notes.join('; ')})` : '') };
  });
  const width = Math.min(28, Math.max(...rows.map((r) => r.left.length)) + 2);
  return rows.map((r) => `  ${r.left.padEnd(width)}${r.left.length >= width ? '\n  ' + ' '.repeat(width) : ''}${r.right}`).join('\n');
}

/** Options of every command that loads a model. */
export const MODEL_SPEC = { kind: 'string', required: true, placeholder: 'DIR', help: 'the model folder (config.json, tokenizer.json, *.safetensors); try public/models/tiny-math first' } as const;
export const DTYPE_SPEC = { kind: 'string', choices: ['f32', 'q8', 'q4'], default: 'f32', help: 'weights of the frozen model on the GPU' } as const;
export const DEVICE_SPEC = { kind: 'string', choices: ['gpu', 'cpu'], default: 'gpu', help: 'cpu runs the TypeScript reference (slow; tiny models)' } as const;
export const ADAPTER_SPEC = { kind: 'string', placeholder: 'DIR', help: 'a PEFT LoRA adapter folder to apply' } as const;

/** A warning for the user, on stderr. */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
