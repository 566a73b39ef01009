// The knowledge-point taxonomy: ~100 math skills (grade school and the seven MATH subjects), shipped as data in
// knowledge-points.json. Ids are stable: the synthetic curriculum and saved tags refer to them.
import data from './knowledge-points.json';

export interface KnowledgePoint {
  /** stable id, e.g. "fractions.basic" */
  id: string;
  /** top-level subject id, e.g. "arithmetic", "number-theory" */
  subject: string;
  name: string;
  /** one line, also the text the zero-shot tagger embeds */
  description: string;
}

export interface Subject {
  id: string;
  name: string;
  /** MATH's `type` / `subject` values that map to this subject, e.g. "Counting & Probability" */
  math_subjects: string[];
}

export interface Taxonomy {
  subjects: Subject[];
  points: KnowledgePoint[];
  byId: Map<string, KnowledgePoint>;
}

/** Builds a taxonomy from parsed JSON, checking every field; errors name the entry (e.g. `knowledge_points[3].id`). */
export function parseTaxonomy(json: unknown, origin = 'taxonomy'): Taxonomy {
  const root = asRecord(json, origin);
  const subjects = asArray(root.subjects, `${origin}: subjects`).map((s, i) => parseSubject(s, `${origin}: subjects[${i}]`));
  const subjectIds = new Set(subjects.map((s) => s.id));
  const points = asArray(root.knowledge_points, `${origin}: knowledge_points`).map((p, i) =>
    parsePoint(p, `${origin}: knowledge_points[${i}]`, subjectIds),
  );
  const byId = new Map<string, KnowledgePoint>();
  points.forEach((p, i) => {
    if (byId.has(p.id)) throw new Error(`${origin}: knowledge_points[${i}].id "${p.id}" is a duplicate`);
    byId.set(p.id, p);
  });
  return { subjects, points, byId };
}

let bundled: Taxonomy | undefined;

/** The taxonomy shipped with the lab (parsed once). */
export function defaultTaxonomy(): Taxonomy {
  bundled ??= parseTaxonomy(data, 'knowledge-points.json');
  return bundled;
}

/** The taxonomy subject id for a MATH subject name ("Number Theory" → "number-theory"), or null when unknown. */
export function subjectForMathSubject(taxonomy: Taxonomy, mathSubject: string): string | null {
  const wanted = mathSubject.trim().toLowerCase();
  for (const s of taxonomy.subjects) {
    if (s.id === wanted || s.math_subjects.some((m) => m.toLowerCase() === wanted)) return s.id;
  }
  return null;
}

export function pointsOfSubject(taxonomy: Taxonomy, subject: string): KnowledgePoint[] {
  return taxonomy.points.filter((p) => p.subject === subject);
}

function parseSubject(value: unknown, where: string): Subject {
  const r = asRecord(value, where);
  const math = asArray(r.math_subjects ?? [], `${where}.math_subjects`).map((m, i) => asText(m, `${where}.math_subjects[${i}]`));
  return { id: asText(r.id, `${where}.id`), name: asText(r.name, `${where}.name`), math_subjects: math };
}

function parsePoint(value: unknown, where: string, subjectIds: Set<string>): KnowledgePoint {
  const r = asRecord(value, where);
  const point = {
    id: asText(r.id, `${where}.id`),
    subject: asText(r.subject, `${where}.subject`),
    name: asText(r.name, `${where}.name`),
    description: asText(r.description, `${where}.description`),
  };
  if (!subjectIds.has(point.subject)) throw new Error(`${where}.subject "${point.subject}" is not one of the listed subjects`);
  return point;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
  return value;
}

function asText(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where} must be a non-empty string`);
  return value;
}
