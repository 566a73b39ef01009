// sai-dpo verify: judges predictions against gold answers, one JSON line in, one JSON line out.
import { readFile } from 'node:fs/promises';
import { parseOptions, requireOption } from '../args.ts';
import { verify } from '../../verify/index.ts';

export const summary = 'judge predictions against gold answers (JSONL in, one {"equal": ...} line out per line)';

export const usage = `usage: sai-dpo verify --input FILE.jsonl [--no-last-number] [--show-extracted]

Each input line is {"pred": "...", "gold": "..."}; pred may be a whole model response (the answer is taken
from its last \\boxed{}, "The answer is ...", "Final answer: ...", "#### ...", or its last number).
Prints one line per input line, in order: {"equal": true|false}. A malformed line prints
{"equal": false, "error": "line N: ..."} and is reported on stderr. --input - reads standard input.

options:
  --input FILE        the JSONL file to judge (required)
  --no-last-number    do not fall back to the last number of a response without a marked answer
  --show-extracted    also print the extracted answer: {"equal": ..., "extracted": "..." | null}
`;

interface Pair {
  pred: string;
  gold: string;
}

/** A number in a JSON field (GSM8K golds often are) is taken as its decimal text. */
function textField(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined) throw new Error(`missing field "${name}"`);
  throw new Error(`field "${name}" must be a string, got ${value === null ? 'null' : typeof value}`);
}

/** The {pred, gold} of one JSONL line; throws with the reason when the line is malformed. */
export function parsePairLine(line: string): Pair {
  if (line.trim() === '') throw new Error('empty line');
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new Error(`invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('expected a JSON object {"pred": ..., "gold": ...}');
  const fields = record as Record<string, unknown>;
  return { pred: textField(fields, 'pred'), gold: textField(fields, 'gold') };
}

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    input: { type: 'string' },
    'no-last-number': { type: 'boolean' },
    'show-extracted': { type: 'boolean' },
  });
  const path = requireOption(values, 'input');
  let text: string;
  try {
    text = await readInput(path);
  } catch (error) {
    process.stderr.write(`sai-dpo verify: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop(); // the newline that ends the file
  const options = { lastNumberFallback: !values['no-last-number'] };
  const out: string[] = [];
  lines.forEach((line, index) => {
    try {
      const { pred, gold } = parsePairLine(line);
      const verdict = verify(pred, gold, options);
      out.push(JSON.stringify(values['show-extracted'] ? verdict : { equal: verdict.equal }));
    } catch (error) {
      const message = `line ${index + 1}: ${error instanceof Error ? error.message : String(error)}`;
      process.stderr.write(`sai-dpo verify: ${path}: ${message}\n`);
      out.push(JSON.stringify({ equal: false, error: message }));
    }
  });
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
  return 0;
}
