// sai-dpo verify: judges whole model responses against gold answers, one JSON line in, one JSON line out;
// with --score, measures the verifier on labelled lines instead.
import { optionsHelp, parseCommandLine } from '../args.ts';
import { parseJsonObjectLine, readInputText, splitLines } from '../files.ts';
import { JUDGE_MODES, judge, type JudgeMode, type JudgeOptions } from '../../verify/index.ts';
import { countVerdict, emptyCounts, score } from '../../verify/score.ts';

export const summary = 'judge model responses against gold answers (JSONL in, one {"equal", "pred_answer", "gold_answer"} line out per line)';

const OPTIONS = {
  input: { kind: 'string', required: true, placeholder: 'FILE', help: 'the JSONL file to judge ("-" reads standard input)' },
  mode: { kind: 'string', choices: JUDGE_MODES, default: 'lenient', help: 'the mode of lines without their own "mode"' },
  'no-last-number': { kind: 'flag', help: 'never take the last number of a response without a marked answer (even in lenient mode)' },
  score: { kind: 'flag', help: 'lines carry "expected": true|false; print one summary line (agreement, precision, recall) instead' },
} as const;

export const usage = `usage: sai-dpo verify --input FILE.jsonl [options]

Each input line is {"pred": "...", "gold": "..."}: pred is a whole model response (its answer is the last
\\boxed{} group, the text after "The final answer is" / "Answer:" / "####" / 答案是, the response itself when it is
a bare answer, its last math span, or, in lenient mode, its last number; <think>...</think> is skipped), gold a
gold answer or a worked solution (its last group of \\boxed{}). Optional fields: "mode": "strict" | "lenient", and
"choices": ["option A text", "option B text", ...] for multiple choice.
Prints one line per input line, in order: {"equal": true|false, "pred_answer": "..."|null, "gold_answer": "..."}.
A bad line (blank lines included) prints {"error": "line N: ..."} in its place (N counts from 1) and the exit
code is 1. Modes: strict takes only marked answers and exact decimals; lenient (the default) also takes the last
number of an unmarked response and a decimal of 4+ significant digits that correctly rounds the gold.

With --score each line also carries "expected": true|false; one line is printed:
{"cases", "agreement", "precision", "recall", "false_positive_rate", "true_positive", ...}, and every case whose
verdict differs from its label is reported on stderr.

options:
${optionsHelp(OPTIONS)}`;

interface Case {
  pred: string;
  gold: string | number;
  options: JudgeOptions;
  expected?: boolean;
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, OPTIONS);
  const lines = splitLines(await readInputText(values.input));
  const defaults = { mode: values.mode as JudgeMode, noLastNumber: values['no-last-number'] };
  const counts = emptyCounts();
  let bad = false;
  const out: string[] = [];
  for (const { line, text } of lines) {
    const parsed = parseCase(text, defaults, values.score);
    if ('error' in parsed) {
      bad = true;
      out.push(JSON.stringify({ error: `line ${line}: ${parsed.error}` }));
      continue;
    }
    const verdict = judge(parsed.pred, parsed.gold, parsed.options);
    if (values.score) {
      countVerdict(counts, parsed.expected!, verdict.equal);
      if (verdict.equal !== parsed.expected) {
        process.stderr.write(`line ${line}: expected ${parsed.expected ? 'equal' : 'not equal'}, judged ${verdict.equal ? 'equal' : 'not equal'} (pred_answer ${JSON.stringify(verdict.predAnswer)}, gold_answer ${JSON.stringify(verdict.goldAnswer)})\n`);
      }
    } else {
      out.push(JSON.stringify({ equal: verdict.equal, pred_answer: verdict.predAnswer, gold_answer: verdict.goldAnswer }));
    }
  }
  if (values.score) out.push(JSON.stringify(scoreLine(counts)));
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
  return bad ? 1 : 0;
}

function scoreLine(counts: ReturnType<typeof emptyCounts>) {
  const s = score(counts);
  const round = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 10000) / 10000);
  return {
    cases: s.cases,
    agreement: round(s.agreement),
    precision: round(s.precision),
    recall: round(s.recall),
    false_positive_rate: round(s.falsePositiveRate),
    true_positive: s.truePositive,
    false_positive: s.falsePositive,
    false_negative: s.falseNegative,
    true_negative: s.trueNegative,
  };
}

/** One input line as a case, or the reason it is not one. */
export function parseCase(text: string, defaults: { mode: JudgeMode; noLastNumber: boolean }, labelled: boolean): Case | { error: string } {
  const row = parseJsonObjectLine(text);
  if ('error' in row) return row;
  const r = row.value;
  if (r.pred === undefined) return { error: 'missing field "pred"' };
  if (typeof r.pred !== 'string') return { error: `field "pred" must be a string, got ${describe(r.pred)}` };
  if (r.gold === undefined) return { error: 'missing field "gold"' };
  if (typeof r.gold !== 'string' && !(typeof r.gold === 'number' && Number.isFinite(r.gold))) return { error: `field "gold" must be a string or a number, got ${describe(r.gold)}` };
  const mode = r.mode ?? defaults.mode;
  if (typeof mode !== 'string' || !(JUDGE_MODES as readonly string[]).includes(mode)) return { error: `field "mode" must be "strict" or "lenient", got ${describe(r.mode)}` };
  const options: JudgeOptions = { mode: mode as JudgeMode };
  if (defaults.noLastNumber) options.lastNumberFallback = false;
  if (r.choices !== undefined) {
    if (!Array.isArray(r.choices) || !r.choices.every((c) => typeof c === 'string')) return { error: 'field "choices" must be a list of strings (the options\' texts, A first)' };
    options.choices = r.choices as string[];
  }
  if (labelled && typeof r.expected !== 'boolean') return { error: `field "expected" must be true or false with --score, got ${describe(r.expected)}` };
  return { pred: r.pred, gold: r.gold, options, expected: labelled ? (r.expected as boolean) : undefined };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 30 ? value.slice(0, 30) + '…' : value}"`;
  return `a ${typeof value}`;
}
