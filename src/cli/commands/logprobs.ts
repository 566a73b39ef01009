// sai-dpo logprobs: teacher-forced log-probabilities of given responses, one JSON line per input line.
import { resolve } from 'node:path';
import { nodeSource } from '../../engine/files/source.ts';
import { loadModel, type LanguageModel } from '../../engine/model/index.ts';
import type { Device, Dtype } from '../../engine/model/options.ts';
import { ADAPTER_SPEC, DEVICE_SPEC, DTYPE_SPEC, MODEL_SPEC, optionsHelp, parseCommandLine, warn } from '../args.ts';
import { parseJsonObjectLine, readInputText, splitLines } from '../files.ts';

export const summary = 'log-probabilities of responses given prompts (teacher forcing), JSONL in and out';

const OPTIONS = {
  model: MODEL_SPEC,
  input: { kind: 'string', required: true, placeholder: 'FILE', help: 'the JSONL file to score ("-" reads standard input)' },
  adapter: ADAPTER_SPEC,
  dtype: DTYPE_SPEC,
  device: DEVICE_SPEC,
  batch: { kind: 'integer', min: 1, default: 8, help: 'lines per forward pass' },
} as const;

export const usage = `usage: sai-dpo logprobs --model DIR --input FILE.jsonl [options]

Each input line is {"prompt_ids":[...],"response_ids":[...]} or {"prompt":"...","response":"..."}
(the prompt is tokenized with the tokenizer's special tokens, e.g. a leading <s>, the response without; then concatenated).
Prints exactly one line per input line, in order: {"logprob": L, "tokens": n}, where L is the sum over the
response tokens of log p(token | prompt, earlier response tokens). A bad line (blank lines included) prints
{"error": "line N: ..."} in its place (N counts from 1) and the exit code is 1.

options:
${optionsHelp(OPTIONS)}`;

interface Item {
  promptIds: number[];
  responseIds: number[];
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const lines = splitLines(await readInputText(values.input));
  const model = await loadModel(nodeSource(resolve(values.model)), {
    device: values.device as Device,
    dtype: values.dtype as Dtype,
    adapter: values.adapter ? nodeSource(resolve(values.adapter)) : undefined,
    onWarning: warn,
  });
  try {
    const parsed = lines.map((l) => parseLine(l.text, l.line, model));
    const valid = parsed.filter((p): p is Item => !('error' in p));
    const scores: { logprob: number; tokens: number }[] = [];
    for (let i = 0; i < valid.length; i += values.batch) scores.push(...(await model.logprobs(valid.slice(i, i + values.batch))));
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
  const row = parseJsonObjectLine(text);
  if ('error' in row) return fail(row.error);
  const r = row.value;
  const V = model.config.vocabSize;
  let item: Item;
  if ('prompt_ids' in r || 'response_ids' in r) {
    const promptIds = tokenIds('prompt_ids', r.prompt_ids, V);
    const responseIds = tokenIds('response_ids', r.response_ids, V);
    if (typeof promptIds === 'string') return fail(promptIds);
    if (typeof responseIds === 'string') return fail(responseIds);
    if (promptIds.length === 0) return fail('prompt_ids must not be empty');
    item = { promptIds, responseIds };
  } else {
    if (typeof r.prompt !== 'string') return fail('expected "prompt_ids"/"response_ids" arrays or "prompt"/"response" strings');
    if (typeof r.response !== 'string') return fail('"response" must be a string');
    item = { promptIds: model.tokenizer.encode(r.prompt, { addSpecialTokens: true }), responseIds: model.tokenizer.encode(r.response, { addSpecialTokens: false }) };
    if (item.promptIds.length === 0) return fail('the prompt tokenizes to no tokens');
  }
  // the last response token is predicted, never read: P + R − 1 positions
  const positions = item.promptIds.length + item.responseIds.length - 1;
  if (positions > model.config.maxPositionEmbeddings) return fail(`prompt + response is ${positions + 1} tokens, longer than the model's ${model.config.maxPositionEmbeddings} positions + 1`);
  return item;
}

/** The ids, or a description of what is wrong with them. */
function tokenIds(field: string, value: unknown, V: number): number[] | string {
  if (!Array.isArray(value)) return `${field} must be an array of token ids`;
  for (const [i, t] of value.entries()) {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= V) return `${field}[${i}] is ${JSON.stringify(t)}, not a token id in 0..${V - 1}`;
  }
  return value as number[];
}
