// sai-dpo logprobs: teacher-forced log-probabilities of given responses, one JSON line per input line.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { loadModel, type LanguageModel } from '../../engine/model/index.ts';
import { numberOption, parseOptions, requireOption } from '../args.ts';
import { parseDevice, parseDtype } from '../../engine/model/options.ts';

export const summary = 'log-probabilities of responses given prompts (teacher forcing), JSONL in and out';

export const usage = `usage: sai-dpo logprobs --model DIR --input FILE.jsonl [--adapter DIR] [--dtype f32|q8|q4] [--device gpu|cpu] [--batch N]

Each input line is {"prompt_ids":[...],"response_ids":[...]} or {"prompt":"...","response":"..."}
(text is tokenized without special tokens; prompt and response separately, then concatenated).
Prints one line per input line, in order: {"logprob": L, "tokens": n}, where L is the sum over the
response tokens of log p(token | prompt, earlier response tokens). A malformed line prints
{"error": "line N: ..."} in its place and the exit code is 1.`;

const OPTIONS = {
  model: { type: 'string' },
  input: { type: 'string' },
  adapter: { type: 'string' },
  dtype: { type: 'string' },
  device: { type: 'string' },
  batch: { type: 'string' },
} as const;

interface Item {
  promptIds: number[];
  responseIds: number[];
}

export async function run(args: string[]): Promise<number> {
  const values = parseOptions(args, OPTIONS);
  const modelDir = requireOption(values, 'model');
  const inputFile = requireOption(values, 'input');
  const batch = numberOption(values, 'batch', 8);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch must be a positive integer, got ${batch}`);
  const text = await readFile(resolve(inputFile), 'utf8');
  const model = await loadModel(nodeSource(resolve(modelDir)), {
    device: parseDevice(values.device),
    dtype: parseDtype(values.dtype),
    adapter: values.adapter ? nodeSource(resolve(values.adapter)) : undefined,
  });
  try {
    const lines = text.split('\n').map((l, i) => ({ text: l.trim(), number: i + 1 })).filter((l) => l.text !== '');
    const parsed = lines.map((l) => parseLine(l.text, l.number, model));
    const valid = parsed.filter((p): p is Item => !('error' in p));
    const scores: { logprob: number; tokens: number }[] = [];
    for (let i = 0; i < valid.length; i += batch) scores.push(...(await model.logprobs(valid.slice(i, i + batch))));
    let next = 0;
    for (const p of parsed) process.stdout.write(JSON.stringify('error' in p ? p : scores[next++]) + '\n');
    return parsed.some((p) => 'error' in p) ? 1 : 0;
  } finally {
    model.dispose();
  }
}

/** One input line as token ids, or {error} naming the line. */
function parseLine(text: string, number: number, model: LanguageModel): Item | { error: string } {
  const fail = (why: string) => ({ error: `line ${number}: ${why}` });
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return fail('expected a JSON object');
  const r = row as Record<string, unknown>;
  const V = model.config.vocabSize;
  if ('prompt_ids' in r || 'response_ids' in r) {
    const promptIds = tokenIds('prompt_ids', r.prompt_ids, V);
    const responseIds = tokenIds('response_ids', r.response_ids, V);
    if (typeof promptIds === 'string') return fail(promptIds);
    if (typeof responseIds === 'string') return fail(responseIds);
    if (promptIds.length === 0) return fail('prompt_ids must not be empty');
    return { promptIds, responseIds };
  }
  if (typeof r.prompt !== 'string') return fail('expected "prompt_ids"/"response_ids" arrays or "prompt"/"response" strings');
  if (typeof r.response !== 'string') return fail('"response" must be a string');
  const promptIds = model.tokenizer.encode(r.prompt, { addSpecialTokens: false });
  const responseIds = model.tokenizer.encode(r.response, { addSpecialTokens: false });
  if (promptIds.length === 0) return fail('the prompt tokenizes to no tokens');
  return { promptIds, responseIds };
}

/** The ids, or a description of what is wrong with them. */
function tokenIds(field: string, value: unknown, V: number): number[] | string {
  if (!Array.isArray(value)) return `${field} must be an array of token ids`;
  for (const [i, t] of value.entries()) {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= V) return `${field}[${i}] is ${JSON.stringify(t)}, not a token id in 0..${V - 1}`;
  }
  return value as number[];
}
