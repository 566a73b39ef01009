// JSON parsing for model-folder files: syntax errors name the file, line and column.
import { ModelFileError } from './errors.ts';

/** Parses `text` as JSON; a syntax error becomes a ModelFileError naming the file, line and column. */
export function parseJsonFile(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ModelFileError(fileName, `not valid JSON${describePosition(text, reason)}: ${reason}`);
  }
}

/** Parses `text` as a JSON object (not an array or a scalar). */
export function parseJsonObject(text: string, fileName: string): Record<string, unknown> {
  const value = parseJsonFile(text, fileName);
  if (!isPlainObject(value)) throw new ModelFileError(fileName, `expected a JSON object, got ${describeJsonType(value)}`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

// V8 reports either "at position N" or "(line L column C)"; turn the first into the second.
function describePosition(text: string, reason: string): string {
  if (/line \d+ column \d+/.test(reason)) return '';
  const match = /position (\d+)/.exec(reason);
  if (!match) return '';
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}
