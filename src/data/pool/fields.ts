// Field mapping by name: which input field plays which role (question, answer, solution, ...). Names are matched
// case-insensitively against candidate lists; per role the candidate present in the most records wins, ties going
// to the earlier candidate. The mapping is decided once per file and reported to the user.
import type { JsonRecord } from './jsonl.ts';

export const ROLES = ['question', 'answer', 'solution', 'id', 'subject', 'level', 'knowledge_points'] as const;
export type Role = (typeof ROLES)[number];

export type Candidates = Record<Role, string[]>;

/** Names seen in GSM8K, MATH, MATH-500, AIME/AMC, OlympiadBench, Minerva, College Math, GaoKao and SAT exports. */
export const DEFAULT_CANDIDATES: Candidates = {
  question: ['question', 'problem', 'input', 'prompt', 'query', 'instruction'],
  answer: ['answer', 'final_answer', 'gt_answer', 'expected_answer', 'gold', 'target', 'ground_truth'],
  solution: ['solution', 'rationale', 'explanation', 'reasoning', 'worked_solution'],
  id: ['id', 'unique_id', 'problem_id', 'idx', 'uid', 'qid'],
  subject: ['subject', 'type', 'topic', 'category'],
  level: ['level', 'difficulty'],
  knowledge_points: ['knowledge_points', 'tags', 'skills'],
};

/** Role → the input field name it reads (null when no field matched). */
export type FieldMapping = Record<Role, string | null>;

/** Chooses a field per role from the records' keys; `fixed` names a field explicitly for some roles. */
export function mapFields(records: JsonRecord[], candidates: Candidates, fixed: Partial<Record<Role, string>> = {}): FieldMapping {
  const counts = countKeys(records);
  const taken = new Set<string>(Object.values(fixed).filter((v): v is string => typeof v === 'string'));
  const mapping = {} as FieldMapping;
  for (const role of ROLES) {
    const explicit = fixed[role];
    if (explicit !== undefined) {
      mapping[role] = explicit;
      continue;
    }
    mapping[role] = bestCandidate(candidates[role], counts, taken);
    if (mapping[role]) taken.add(mapping[role]);
  }
  return mapping;
}

/** Field names (as written in the input) that no role reads, most frequent first. */
export function unmappedFields(records: JsonRecord[], mapping: FieldMapping): string[] {
  const used = new Set(Object.values(mapping).filter((v): v is string => v !== null));
  return [...countKeys(records).entries()]
    .filter(([name]) => !used.has(name))
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name);
}

/** A record's value for a role, or undefined when the role is unmapped or the record lacks the field. */
export function fieldValue(record: Record<string, unknown>, mapping: FieldMapping, role: Role): unknown {
  const name = mapping[role];
  return name === null ? undefined : record[name];
}

function countKeys(records: JsonRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) for (const key of Object.keys(r.value)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function bestCandidate(names: string[], counts: Map<string, number>, taken: Set<string>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const wanted of names) {
    for (const [key, count] of counts) {
      if (taken.has(key) || key.toLowerCase() !== wanted.toLowerCase()) continue;
      if (count > bestCount) {
        best = key;
        bestCount = count;
      }
    }
  }
  return best;
}
