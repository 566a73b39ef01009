// One input record → one Problem, through a field mapping. Returns the problem (with warnings about fields it
// kept as they were) or the reason the record cannot become a problem; never throws.
import type { Problem } from '../problem.ts';
import { answerFromValue, boxedAnswer, braceBalance, describeBalance, describeValue, hasHashLine, splitHashAnswer, type AnswerResult } from './answers.ts';
import { fieldValue, type FieldMapping } from './fields.ts';
import type { JsonRecord } from './jsonl.ts';

export interface RecordRules {
  mapping: FieldMapping;
  /** GSM8K: the answer field must end with a `#### n` line */
  requireHashAnswer: boolean;
  /** ids are `${idPrefix}/${id field}` when useIdField and the record has one, else `${idPrefix}/${index}` */
  idPrefix: string;
  useIdField: boolean;
  source: string;
  /** unmapped fields copied into meta when their value is a scalar */
  extraFields: string[];
}

/** `answerFrom` says where the answer was found, e.g. `field "answer"`, `last \\boxed{} of "solution"`. */
export type RecordOutcome = { problem: Problem; answerFrom: string; warnings: string[] } | { error: string };

/** Longest string copied into meta from an unmapped field; longer values are dropped (meta is for small extras). */
const MAX_META_CHARS = 500;

export function recordToProblem(record: JsonRecord, rules: RecordRules): RecordOutcome {
  const value = record.value;
  const question = questionOf(value, rules.mapping);
  if ('error' in question) return question;
  const answer = answerOf(value, rules);
  if ('error' in answer) return answer;
  const problem: Problem = {
    id: idOf(record, rules),
    question: question.text,
    answer: answer.answer,
    source: rules.source,
  };
  const solution = solutionOf(value, rules.mapping) ?? answer.solution;
  if (solution) problem.solution = solution;
  const warnings: string[] = [];
  addLevel(problem, fieldValue(value, rules.mapping, 'level'));
  addKnowledgePoints(problem, fieldValue(value, rules.mapping, 'knowledge_points'), rules.mapping.knowledge_points, warnings);
  addMeta(problem, value, rules);
  const balance = braceBalance(problem.question);
  if (balance !== 0) warnings.push(`question has unbalanced braces (${describeBalance(balance)}); kept as given`);
  return { problem, answerFrom: answer.from, warnings };
}

function questionOf(value: Record<string, unknown>, mapping: FieldMapping): { text: string } | { error: string } {
  if (mapping.question === null) return { error: 'no question field (looked for question / problem / input / prompt)' };
  const q = value[mapping.question];
  if (q === undefined || q === null) return { error: `missing field "${mapping.question}" (the question)` };
  if (typeof q !== 'string') return { error: `field "${mapping.question}" is ${describeValue(q)}, expected the question as text` };
  if (q.trim() === '') return { error: `field "${mapping.question}" (the question) is empty` };
  return { text: q.trim() };
}

type Answer = { answer: string; from: string; solution?: string } | { error: string };

/**
 * The answer field when there is one (a GSM8K-style `#### n` tail is split off as the solution), otherwise the
 * solution's `#### n` line or its last \boxed{}.
 */
function answerOf(value: Record<string, unknown>, rules: RecordRules): Answer {
  const { mapping } = rules;
  const given = fieldValue(value, mapping, 'answer');
  if (given !== undefined && given !== null) {
    if (typeof given === 'string' && hasHashLine(given)) return hashAnswer(given, mapping.answer!);
    if (rules.requireHashAnswer) return { error: `field "${mapping.answer}" has no "#### <answer>" line (GSM8K format)` };
    return withOrigin(answerFromValue(given, mapping.answer!), `field "${mapping.answer}"`);
  }
  if (rules.requireHashAnswer) return { error: `missing field "${mapping.answer ?? 'answer'}" (GSM8K format)` };
  const solution = fieldValue(value, mapping, 'solution');
  if (typeof solution === 'string' && solution.trim() !== '') {
    if (hasHashLine(solution)) return hashAnswer(solution, mapping.solution!);
    return withOrigin(boxedAnswer(solution, mapping.solution!), `last \\boxed{} of "${mapping.solution}"`);
  }
  const looked = mapping.answer ? `"${mapping.answer}"` : 'answer / final_answer / Answer';
  return { error: `no answer: missing field ${looked}, and no solution with a "#### n" line or a \\boxed{} to take it from` };
}

function hashAnswer(text: string, field: string): Answer {
  const split = splitHashAnswer(text);
  if (!split) return { error: `field "${field}": the "####" line has no answer after it` };
  const from = `"####" line of "${field}"`;
  return split.solution ? { ...split, from } : { answer: split.answer, from };
}

function withOrigin(result: AnswerResult, from: string): Answer {
  return 'error' in result ? result : { answer: result.answer, from };
}

function solutionOf(value: Record<string, unknown>, mapping: FieldMapping): string | undefined {
  const s = fieldValue(value, mapping, 'solution');
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}

function idOf(record: JsonRecord, rules: RecordRules): string {
  const given = rules.useIdField ? fieldValue(record.value, rules.mapping, 'id') : undefined;
  const usable = (typeof given === 'string' && given.trim() !== '') || (typeof given === 'number' && Number.isFinite(given));
  return `${rules.idPrefix}/${usable ? String(given).trim() : record.index}`;
}

/** MATH "Level 3" → 3, MATH-500 3 → 3; "Level ?" and other non-numeric labels stay as given (in meta when unparsable). */
function addLevel(problem: Problem, level: unknown): void {
  if (typeof level === 'number' && Number.isFinite(level)) problem.difficulty_label = level;
  else if (typeof level === 'string' && level.trim() !== '') {
    const m = /^(?:level\s*)?(-?\d+(?:\.\d+)?)$/i.exec(level.trim());
    if (m) problem.difficulty_label = Number(m[1]);
    else if (/^level\s*\?$/i.test(level.trim())) setMeta(problem, 'level', level.trim());
    else problem.difficulty_label = level.trim();
  }
}

function addKnowledgePoints(problem: Problem, tags: unknown, field: string | null, warnings: string[]): void {
  if (tags === undefined || tags === null) return;
  const list = typeof tags === 'string' ? tags.split(/[,;]/) : tags;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
    warnings.push(`field "${field}" is ${describeValue(tags)}, expected a list of strings; tags ignored`);
    return;
  }
  const clean = [...new Set((list as string[]).map((t) => t.trim()).filter((t) => t !== ''))];
  if (clean.length > 0) problem.knowledge_points = clean;
}

function addMeta(problem: Problem, value: Record<string, unknown>, rules: RecordRules): void {
  const subject = fieldValue(value, rules.mapping, 'subject');
  if (typeof subject === 'string' && subject.trim() !== '') setMeta(problem, 'subject', subject.trim());
  const names = [...rules.extraFields];
  if (!rules.useIdField && rules.mapping.id) names.push(rules.mapping.id);
  for (const name of names) {
    const v = value[name];
    if (typeof v === 'number' && Number.isFinite(v)) setMeta(problem, name, v);
    else if (typeof v === 'string' && v.length <= MAX_META_CHARS) setMeta(problem, name, v);
    else if (typeof v === 'boolean') setMeta(problem, name, String(v));
  }
}

function setMeta(problem: Problem, key: string, value: string | number): void {
  problem.meta ??= {};
  problem.meta[key] = value;
}
