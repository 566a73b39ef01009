// Builds test/verify/cases/from-data.jsonl: labelled whole responses made from the bundled data's worked
// solutions (public/data), so the verifier is measured on real solution text, not only on short answers.
// Every label holds by construction:
//   - a MATH-500 solution against its own `answer` field: equal;
//   - the same solution against that answer with its last digit changed (7 -> 8, 9 -> 0): not equal;
//   - a MATH solution rewritten as a model would answer (the box replaced by "Final Answer: The final answer is
//     $X$", or the work inside <think>...</think> with a wrong guess there): equal to its box;
//   - the same rewrites ending on the changed answer: not equal;
//   - a GSM8K solution (calculator notes <<...>> removed), with or without its "#### n" line: equal to n;
//     against n with a 0 appended (28 -> 280): not equal.
// Rows are drawn with the project's seeded generator, so the file is the same on every run:
//   npx tsx test/verify/cases/build-from-data.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../../../src/util/random.ts';
import { boxesOf } from '../../../src/verify/boxes.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SEED = 20261130;

interface Case {
  pred: string;
  gold: string;
  expected: boolean;
  mode?: 'strict' | 'lenient';
  source: string;
}

function rows(path: string): Record<string, unknown>[] {
  const text = gunzipSync(readFileSync(join(ROOT, 'public/data', path))).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** `count` distinct row indices out of `n`, in drawing order. */
function pick(rng: Rng, n: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, n)) chosen.add(rng.int(0, n - 1));
  return [...chosen];
}

/**
 * The answer with its last digit changed (d -> d + 1, 9 -> 0), or null when it has no digit. The exponent of a
 * unit ("15\\mbox{ cm}^2") is skipped: square and cubic units are dropped with the unit, so the value would not change.
 */
export function changeLastDigit(answer: string): string | null {
  const digits = [...answer.matchAll(/\d/g)].map((m) => m.index!);
  const unitExponent = (i: number) => /(?:\\(?:mbox|text|textnormal|mathrm)\{[^{}]*\}|[a-z]{2,})\^\{?$/.test(answer.slice(0, i));
  const at = digits.reverse().find((i) => !unitExponent(i));
  if (at === undefined) return null;
  const next = String((Number(answer[at]) + 1) % 10);
  return answer.slice(0, at) + next + answer.slice(at + 1);
}

/** The solution with its last box replaced by `replacement` (the box's own content when omitted). */
function unboxLast(solution: string, replacement?: string): string | null {
  const boxes = boxesOf(solution);
  if (boxes.length === 0) return null;
  const last = boxes[boxes.length - 1];
  return solution.slice(0, last.start) + (replacement ?? last.content) + solution.slice(last.end);
}

function math500Cases(rng: Rng): Case[] {
  const data = rows('math500/test.jsonl.gz');
  const out: Case[] = [];
  for (const i of pick(rng, data.length, 100)) {
    const solution = data[i].solution as string;
    const answer = data[i].answer as string;
    const source = `math500/test/${i}: its solution against its answer`;
    out.push({ pred: solution, gold: answer, expected: true, source });
    const wrong = changeLastDigit(answer);
    if (wrong !== null) out.push({ pred: solution, gold: wrong, expected: false, source: `${source} with the last digit changed` });
  }
  return out;
}

function mathRewriteCases(rng: Rng): Case[] {
  const data = rows('math/test.jsonl.gz');
  const out: Case[] = [];
  let made = 0;
  for (const i of pick(rng, data.length, 200)) {
    if (made >= 60) break;
    const solution = data[i].solution as string;
    const boxes = boxesOf(solution);
    if (boxes.length !== 1 || boxes[0].content === '') continue;
    const answer = boxes[0].content;
    const wrong = changeLastDigit(answer);
    if (wrong === null) continue;
    made++;
    const source = `math/test/${i}`;
    if (made % 2 === 0) {
      const body = unboxLast(solution)!;
      out.push({ pred: `${body}\nFinal Answer: The final answer is $${answer}$. I hope it is correct.`, gold: answer, expected: true, source: `${source}: "Final Answer" rewrite` });
      out.push({ pred: `${body}\nFinal Answer: The final answer is $${wrong}$. I hope it is correct.`, gold: answer, expected: false, source: `${source}: "Final Answer" rewrite ending on a changed answer` });
    } else {
      const guess = `Let me guess first: maybe \\boxed{${wrong}}.`;
      out.push({ pred: `<think>\n${guess}\n${unboxLast(solution)}\n</think>\n\nThe answer is $\\boxed{${answer}}$.`, gold: answer, expected: true, source: `${source}: <think> rewrite with a wrong guess inside` });
      out.push({ pred: `<think>\n${solution}\n</think>\n\nSo the answer is $\\boxed{${wrong}}$.`, gold: answer, expected: false, source: `${source}: <think> rewrite ending on a changed answer` });
    }
  }
  return out;
}

function gsm8kCases(rng: Rng): Case[] {
  const data = rows('gsm8k/test.jsonl.gz');
  const out: Case[] = [];
  for (const [k, i] of pick(rng, data.length, 60).entries()) {
    const text = (data[i].answer as string).replace(/<<[^>]*>>/g, '');
    const m = /\n####\s*(.+)\s*$/.exec(text);
    if (!m) continue;
    const answer = m[1].trim().replace(/,/g, '');
    const source = `gsm8k/test/${i}`;
    out.push({ pred: text, gold: answer, expected: true, source: `${source}: its solution` });
    out.push({ pred: text, gold: answer === '0' ? '1' : `${answer}0`, expected: false, source: `${source}: its solution against the answer with a 0 appended` });
    if (k % 2 === 0) out.push({ pred: text.slice(0, m.index), gold: answer, expected: true, mode: 'lenient', source: `${source}: its solution without the #### line (the last number)` });
  }
  return out;
}

/** The file's text: one JSON case per line. */
export function buildFromData(): string {
  const rng = new Rng(SEED);
  const cases = [...math500Cases(rng), ...mathRewriteCases(rng), ...gsm8kCases(rng)];
  return cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
}

export const FROM_DATA_FILE = join(import.meta.dirname, 'from-data.jsonl');

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const text = buildFromData();
  writeFileSync(FROM_DATA_FILE, text);
  const cases = text.trim().split('\n').map((l) => JSON.parse(l) as Case);
  console.log(`${cases.length} cases (${cases.filter((c) => !c.expected).length} not equal) -> ${FROM_DATA_FILE}`);
}
