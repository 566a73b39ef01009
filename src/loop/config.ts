// An experiment's configuration: one plain JSON object, the same in the page (and its URL), the worker and the
// CLI (`--config EXP.json`). Every field has a default, so `{}` is the default experiment: tiny-math on the
// curriculum's imbalanced pool with the SAI-DPO sampler. The schema below is the single description of the fields:
// parseConfig() checks against it (unknown keys and wrong types name the key), configJsonSchema() exports it as
// JSON Schema, and configToQuery()/configFromQuery() put the differences from the defaults in a URL.
import { jsonErrorLocation } from './json-error.ts';

/** One leaf of the schema. `doc` is what the page shows next to the field and the JSON Schema's description. */
export type FieldSpec =
  | { kind: 'number'; default: number; integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean; doc: string }
  | { kind: 'number-or-null'; default: number | null; integer?: boolean; min?: number; max?: number; doc: string }
  | { kind: 'string'; default: string; doc: string }
  | { kind: 'enum'; values: readonly string[]; default: string; doc: string }
  | { kind: 'boolean'; default: boolean; doc: string }
  | { kind: 'string-list'; default: readonly string[]; values?: readonly string[]; minItems?: number; doc: string };

export interface SectionSpec {
  doc: string;
  fields: Record<string, FieldSpec>;
}

export const SAMPLER_NAMES = ['sai', 'random', 'curriculum', 'prioritized', 'sai-no-knowledge', 'sai-no-difficulty'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

/** The schema: sections of fields, plus top-level fields. Order is the order the page shows them in. */
export const CONFIG_SCHEMA = {
  top: {
    doc: 'the experiment',
    fields: {
      name: { kind: 'string', default: 'sai-dpo', doc: 'a name for the run (shown in lists; not part of the results)' },
      seed: { kind: 'number', default: 1, integer: true, min: 0, max: 4294967295, doc: 'seed of every random choice in the run (pool, clusters, probe, sampler, generation, training)' },
      iterations: { kind: 'number', default: 3, integer: true, min: 1, max: 1000, doc: 'SAI-DPO iterations (probe → sample → pairs → train → eval)' },
    },
  },
  model: {
    doc: 'the policy model',
    fields: {
      path: { kind: 'string', default: 'tiny-math', doc: 'a bundled model name (tiny-math, tiny-random), a folder (CLI), a URL of a Hugging Face model folder (page) or local:<folder name> for a folder picked from the computer and saved in the browser (page)' },
      dtype: { kind: 'enum', values: ['f32', 'q8', 'q4'], default: 'f32', doc: 'frozen base weights on the GPU' },
    },
  },
  pool: {
    doc: 'the training problems',
    fields: {
      source: { kind: 'enum', values: ['curriculum', 'file', 'bundled'], default: 'curriculum', doc: 'curriculum: the synthetic curriculum; file: a JSONL file of problems (CLI) or the uploaded pool (page); bundled: a set in public/data' },
      count: { kind: 'number', default: 2000, integer: true, min: 1, max: 10_000_000, doc: 'curriculum problems to generate (curriculum only)' },
      mix: { kind: 'enum', values: ['imbalanced', 'balanced'], default: 'imbalanced', doc: 'the curriculum pool’s skill mix: imbalanced (dominated by skills the model has mastered) or balanced' },
      maxLevel: { kind: 'number', default: 1, integer: true, min: 1, max: 3, doc: 'curriculum only: difficulty levels 1..maxLevel (tiny-math is trained on level 1; raise it for stronger models)' },
      file: { kind: 'string', default: '', doc: 'the JSONL file (source "file") or the bundled set name, e.g. "gsm8k/train" (source "bundled")' },
      limit: { kind: 'number', default: 0, integer: true, min: 0, doc: 'keep only the first N problems of a file or bundled set (0: all)' },
    },
  },
  heldOut: {
    doc: 'held-out evaluation problems (never sampled for training)',
    fields: {
      source: { kind: 'enum', values: ['curriculum', 'file', 'bundled'], default: 'curriculum', doc: 'curriculum: its test split (disjoint from every training problem); file / bundled as for the pool' },
      count: { kind: 'number', default: 200, integer: true, min: 1, max: 1_000_000, doc: 'held-out problems (curriculum: generated; file/bundled: the first N)' },
      mix: { kind: 'enum', values: ['imbalanced', 'balanced'], default: 'balanced', doc: 'the held-out set’s skill mix (curriculum only; balanced measures every skill equally)' },
      maxLevel: { kind: 'number', default: 1, integer: true, min: 1, max: 3, doc: 'curriculum only: difficulty levels 1..maxLevel, as pool.maxLevel' },
      file: { kind: 'string', default: '', doc: 'as pool.file' },
    },
  },
  embedding: {
    doc: 'how knowledge points become vectors',
    fields: {
      embedder: { kind: 'enum', values: ['builtin', 'transformers', 'openai'], default: 'builtin', doc: 'builtin: offline, no model; transformers: a sentence-transformers model through transformers.js; openai: an OpenAI-compatible /v1/embeddings server (for pools too large to embed in a tab)' },
      model: { kind: 'string', default: '', doc: 'transformers: a Hugging Face model id or a local folder; openai: the embedding model the server serves' },
      endpoint: { kind: 'string', default: '', doc: 'openai only: the server, e.g. http://127.0.0.1:8000/v1' },
      apiKeyEnv: { kind: 'string', default: '', doc: 'openai only, CLI: the environment variable holding the API key (the key itself is never stored)' },
    },
  },
  clusters: {
    doc: 'K-means over the knowledge embeddings',
    fields: {
      k: { kind: 'number-or-null', default: null, integer: true, min: 1, doc: 'clusters; null: chosen by silhouette between kMin and kMax' },
      kMin: { kind: 'number', default: 2, integer: true, min: 1, doc: 'smallest k the silhouette search tries' },
      kMax: { kind: 'number', default: 30, integer: true, min: 1, doc: 'largest k the silhouette search tries' },
    },
  },
  probe: {
    doc: 'the self-aware probe: K answers to a stratified sample of the pool',
    fields: {
      fraction: { kind: 'number', default: 0.01, min: 0, max: 1, doc: 'share of the pool probed each iteration, stratified by cluster' },
      minCount: { kind: 'number', default: 32, integer: true, min: 0, doc: 'probe at least this many problems (or the whole pool when smaller)' },
      answers: { kind: 'number', default: 8, integer: true, min: 1, max: 256, doc: 'K: answers per probed problem' },
      temperature: { kind: 'number', default: 0.8, min: 0, max: 5, doc: 'sampling temperature of the probe' },
      topP: { kind: 'number', default: 1, min: 0, max: 1, exclusiveMin: true, doc: 'nucleus sampling of the probe' },
      maxNewTokens: { kind: 'number', default: 160, integer: true, min: 1, max: 8192, doc: 'longest probe answer, in tokens (tiny-math’s longest level-1 solution is 136)' },
      when: { kind: 'enum', values: ['if-needed', 'always'], default: 'if-needed', doc: 'if-needed: only samplers that read difficulty probe (random and curriculum skip it and spend its generations on pairs); always: every arm probes (diagnostics)' },
    },
  },
  difficulty: {
    doc: 'self-aware difficulty of each problem from the probe',
    fields: {
      neighbours: { kind: 'number', default: 5, integer: true, min: 1, max: 1000, doc: 'probed nearest neighbours (same cluster, by embedding) that estimate an unprobed problem' },
      clusterWeight: { kind: 'number', default: 2, min: 0, doc: 'weight (in probed-problem equivalents) of the cluster mean in an unprobed problem’s estimate' },
      priorPassRate: { kind: 'number', default: 0.5, min: 0, max: 1, doc: 'pass rate assumed when nothing was probed (a cluster with no probed problem takes the mean of all probed ones)' },
    },
  },
  sampler: {
    doc: 'which problems each iteration trains on',
    fields: {
      name: { kind: 'enum', values: SAMPLER_NAMES, default: 'sai', doc: 'sai: SAI-DPO’s dynamic sampler; random; curriculum: easy to hard by the data’s difficulty labels; prioritized: by 1 − success rate; sai-no-knowledge: SAI without cluster weights; sai-no-difficulty: SAI without the frontier preference' },
      problems: { kind: 'number', default: 64, integer: true, min: 1, doc: 'problems drawn per iteration (budget.mode "problems"), or per round (budget.mode "equal-pairs")' },
      smoothing: { kind: 'number', default: 1, min: 0, doc: 'additive (Laplace) smoothing of each cluster’s probe error count' },
      temperature: { kind: 'number', default: 1, min: 0.01, max: 100, doc: 'temperature of the cluster weights: w ∝ error rate^(1/T); large T flattens toward uniform' },
      frontierFloor: { kind: 'number', default: 0.05, min: 0, max: 1, doc: 'least within-cluster weight of a problem the model always or never solves (frontier weight is 4·p·(1−p), floored)' },
      clusterWeight: { kind: 'enum', values: ['errors', 'error-rate'], default: 'errors', doc: 'errors: a cluster’s weight grows with the wrong probe answers found in it (so with its size too, as the probe is stratified); error-rate: with their share only' },
      reuse: { kind: 'enum', values: ['across-iterations', 'never'], default: 'across-iterations', doc: 'a problem is never drawn twice in one iteration; across-iterations: later iterations may draw it again; never: once in the whole run' },
    },
  },
  pairs: {
    doc: 'preference pairs from K answers per sampled problem',
    fields: {
      answers: { kind: 'number', default: 8, integer: true, min: 2, max: 256, doc: 'K: answers per sampled problem' },
      chosen: { kind: 'enum', values: ['random', 'shortest', 'longest'], default: 'random', doc: 'which correct answer becomes "chosen"' },
      temperature: { kind: 'number', default: 0.8, min: 0, max: 5, doc: 'sampling temperature of pair generation' },
      topP: { kind: 'number', default: 1, min: 0, max: 1, exclusiveMin: true, doc: 'nucleus sampling of pair generation' },
      maxNewTokens: { kind: 'number', default: 160, integer: true, min: 1, max: 8192, doc: 'longest answer, in tokens (an answer cut short is judged wrong)' },
      reuseProbeAnswers: { kind: 'boolean', default: true, doc: 'a sampled problem that this iteration’s probe answered with at least K answers reuses them (no new generations)' },
    },
  },
  judge: {
    doc: 'how answers are judged against the gold answer (src/verify)',
    fields: {
      mode: { kind: 'enum', values: ['lenient', 'strict'], default: 'lenient', doc: 'lenient: the last number of an unmarked answer counts; strict: only a marked answer (a box, "Answer: X", a math span) counts' },
    },
  },
  budget: {
    doc: 'what every arm of a comparison gets the same amount of',
    fields: {
      mode: { kind: 'enum', values: ['equal-generations', 'equal-pairs', 'problems'], default: 'equal-generations', doc: 'equal-generations: every iteration spends `generations` answers, the probe’s included; equal-pairs: draw rounds of sampler.problems until `pairs` pairs; problems: draw sampler.problems per iteration' },
      generations: { kind: 'number', default: 768, integer: true, min: 1, doc: 'answers generated per iteration, probe and pairs together (equal-generations)' },
      pairs: { kind: 'number', default: 32, integer: true, min: 1, doc: 'DPO pairs per iteration (equal-pairs); also the cap on pairs in every mode when capPairs is true' },
      capPairs: { kind: 'boolean', default: false, doc: 'train on at most `pairs` pairs per iteration in every mode (equal training budget)' },
      maxRounds: { kind: 'number', default: 8, integer: true, min: 1, doc: 'equal-pairs: give up after this many rounds (a pool that yields few pairs)' },
    },
  },
  train: {
    doc: 'DPO with LoRA',
    fields: {
      beta: { kind: 'number', default: 0.1, min: 0, exclusiveMin: true, doc: 'DPO β' },
      learningRate: { kind: 'number', default: 1e-4, min: 0, exclusiveMin: true, doc: 'AdamW learning rate (constant)' },
      epochs: { kind: 'number', default: 2, integer: true, min: 1, max: 100, doc: 'passes over the iteration’s pairs' },
      batchSize: { kind: 'number', default: 8, integer: true, min: 1, doc: 'pairs per optimizer step' },
      microBatch: { kind: 'number', default: 8, integer: true, min: 1, doc: 'pairs per forward/backward pass (gradient accumulation)' },
      loraRank: { kind: 'number', default: 8, integer: true, min: 1, max: 1024, doc: 'LoRA rank r' },
      loraAlpha: { kind: 'number', default: 16, min: 0, exclusiveMin: true, doc: 'LoRA alpha (the update is scaled by alpha / r)' },
      loraTargets: { kind: 'string-list', default: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], values: LORA_TARGETS, minItems: 1, doc: 'modules LoRA adapts' },
    },
  },
  eval: {
    doc: 'held-out evaluation after every iteration',
    fields: {
      maxNewTokens: { kind: 'number', default: 160, integer: true, min: 1, max: 8192, doc: 'longest answer, in tokens (an answer cut short is judged wrong)' },
      samples: { kind: 'number', default: 1, integer: true, min: 1, max: 256, doc: 'answers per problem; 1 = greedy accuracy, more adds pass@k at eval.temperature' },
      temperature: { kind: 'number', default: 0, min: 0, max: 5, doc: '0 = greedy' },
      atStart: { kind: 'boolean', default: true, doc: 'evaluate the base model before the first iteration (iteration 0)' },
    },
  },
} as const satisfies Record<string, SectionSpec>;

type Schema = typeof CONFIG_SCHEMA;
type ValueOf<F> = F extends { kind: 'number' }
  ? number
  : F extends { kind: 'number-or-null' }
    ? number | null
    : F extends { kind: 'boolean' }
      ? boolean
      : F extends { kind: 'string-list' }
        ? string[]
        : F extends { kind: 'enum'; values: readonly (infer V)[] }
          ? V
          : string;
type SectionValue<S extends SectionSpec> = { -readonly [K in keyof S['fields']]: ValueOf<S['fields'][K]> };

export type ExperimentConfig = SectionValue<Schema['top']> & {
  -readonly [S in Exclude<keyof Schema, 'top'>]: SectionValue<Schema[S]>;
};

/** A partial config as a user writes it: any subset of sections and fields. */
export type ConfigInput = {
  [K in keyof ExperimentConfig]?: ExperimentConfig[K] extends Record<string, unknown> ? Partial<ExperimentConfig[K]> : ExperimentConfig[K];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `config: ${problems[0]}` : `config:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const SECTIONS = Object.keys(CONFIG_SCHEMA).filter((s) => s !== 'top') as Exclude<keyof Schema, 'top'>[];

function fieldDefault(spec: FieldSpec): unknown {
  return Array.isArray(spec.default) ? [...spec.default] : spec.default;
}

export function defaultConfig(): ExperimentConfig {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_SCHEMA.top.fields)) out[name] = fieldDefault(spec);
  for (const section of SECTIONS) {
    const values: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(CONFIG_SCHEMA[section].fields) as [string, FieldSpec][]) values[name] = fieldDefault(spec);
    out[section] = values;
  }
  return out as ExperimentConfig;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The problem with `value` for `spec`, or null when it is fine. `key` is the dotted path, e.g. "sampler.temperature". */
export function fieldProblem(key: string, spec: FieldSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'number':
    case 'number-or-null': {
      if (value === null && spec.kind === 'number-or-null') return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${key} must be a ${spec.kind === 'number-or-null' ? 'number or null' : 'number'}, got ${describe(value)}`;
      if (spec.integer && !Number.isInteger(value)) return `${key} must be a whole number, got ${value}`;
      if (spec.min !== undefined) {
        const strict = 'exclusiveMin' in spec && spec.exclusiveMin;
        if (strict ? value <= spec.min : value < spec.min) return `${key} must be ${strict ? 'greater than' : 'at least'} ${spec.min}, got ${value}`;
      }
      if (spec.max !== undefined && value > spec.max) return `${key} must be at most ${spec.max}, got ${value}`;
      return null;
    }
    case 'string':
      return typeof value === 'string' ? null : `${key} must be a string, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${key} must be true or false, got ${describe(value)}`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `${key} must be one of ${spec.values.join(', ')}; got ${describe(value)}`;
    case 'string-list': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return `${key} must be a list of strings, got ${describe(value)}`;
      const bad = spec.values ? value.filter((v) => !spec.values!.includes(v)) : [];
      if (bad.length > 0) return `${key}: unknown ${bad.map((b) => `"${b}"`).join(', ')} (allowed: ${spec.values!.join(', ')})`;
      if (spec.minItems !== undefined && value.length < spec.minItems) return `${key} needs at least ${spec.minItems} item(s)`;
      return null;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a user's (partial) config and fills in the defaults. Throws a ConfigError listing every problem, each
 * naming its key ("sampler.temprature: unknown key (sampler has: name, problems, ...)").
 */
export function parseConfig(input: unknown): ExperimentConfig {
  if (!isPlainObject(input)) throw new ConfigError([`the config must be a JSON object, got ${describe(input)}`]);
  const config = defaultConfig() as unknown as Record<string, Record<string, unknown> | unknown>;
  const problems: string[] = [];
  const topFields = CONFIG_SCHEMA.top.fields as Record<string, FieldSpec>;
  for (const [key, value] of Object.entries(input)) {
    if (key === '$schema') continue;
    if (key in topFields) {
      const problem = fieldProblem(key, topFields[key], value);
      if (problem) problems.push(problem);
      else config[key] = Array.isArray(value) ? [...value] : value;
      continue;
    }
    if (!(SECTIONS as string[]).includes(key)) {
      problems.push(`${key}: unknown key (known: ${[...Object.keys(topFields), ...SECTIONS].join(', ')})`);
      continue;
    }
    if (!isPlainObject(value)) {
      problems.push(`${key} must be an object, got ${describe(value)}`);
      continue;
    }
    const fields = CONFIG_SCHEMA[key as (typeof SECTIONS)[number]].fields as Record<string, FieldSpec>;
    const target = config[key] as Record<string, unknown>;
    for (const [name, fieldValue] of Object.entries(value)) {
      const path = `${key}.${name}`;
      if (!(name in fields)) {
        problems.push(`${path}: unknown key (${key} has: ${Object.keys(fields).join(', ')})`);
        continue;
      }
      const problem = fieldProblem(path, fields[name], fieldValue);
      if (problem) problems.push(problem);
      else target[name] = Array.isArray(fieldValue) ? [...fieldValue] : fieldValue;
    }
  }
  const result = config as unknown as ExperimentConfig;
  if (problems.length === 0) problems.push(...crossFieldProblems(result));
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}

/** Rules that involve two fields. */
function crossFieldProblems(c: ExperimentConfig): string[] {
  const out: string[] = [];
  if (c.clusters.kMax < c.clusters.kMin) out.push(`clusters.kMax (${c.clusters.kMax}) must be at least clusters.kMin (${c.clusters.kMin})`);
  if (c.pool.source !== 'curriculum' && c.pool.file === '') out.push(`pool.file is required when pool.source is "${c.pool.source}"`);
  if (c.heldOut.source !== 'curriculum' && c.heldOut.file === '') out.push(`heldOut.file is required when heldOut.source is "${c.heldOut.source}"`);
  if (c.train.microBatch > c.train.batchSize) out.push(`train.microBatch (${c.train.microBatch}) must not exceed train.batchSize (${c.train.batchSize})`);
  if (c.embedding.embedder === 'transformers' && c.embedding.model === '') out.push('embedding.model is required when embedding.embedder is "transformers"');
  if (c.embedding.embedder === 'openai' && (c.embedding.model === '' || c.embedding.endpoint === '')) out.push('embedding.endpoint and embedding.model are required when embedding.embedder is "openai"');
  return out;
}

/** Parses a config from JSON text; a syntax error names the line (1-based). */
export function parseConfigText(text: string, name = 'config'): ExperimentConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = jsonErrorLocation(text);
    throw new ConfigError([`${name} is not valid JSON${where ? ` (line ${where.line}, column ${where.column})` : ''}: ${message}`]);
  }
  return parseConfig(value);
}

/** Every leaf as a dotted key ("sampler.name") with its value. */
export function flattenConfig(config: ExperimentConfig): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const name of Object.keys(CONFIG_SCHEMA.top.fields)) out.set(name, (config as Record<string, unknown>)[name]);
  for (const section of SECTIONS) {
    const values = config[section] as Record<string, unknown>;
    for (const name of Object.keys(CONFIG_SCHEMA[section].fields)) out.set(`${section}.${name}`, values[name]);
  }
  return out;
}

/** The spec of a dotted key, or undefined. */
export function fieldSpec(key: string): FieldSpec | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return (CONFIG_SCHEMA.top.fields as Record<string, FieldSpec>)[key];
  const section = key.slice(0, dot);
  if (!(SECTIONS as string[]).includes(section)) return undefined;
  return (CONFIG_SCHEMA[section as (typeof SECTIONS)[number]].fields as Record<string, FieldSpec>)[key.slice(dot + 1)];
}

/** Keys whose values differ between two configs (dotted), e.g. ["sampler.name", "seed"]. */
export function configDifferences(a: ExperimentConfig, b: ExperimentConfig, ignore: readonly string[] = ['name']): string[] {
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  return [...fa.keys()].filter((k) => !ignore.includes(k) && JSON.stringify(fa.get(k)) !== JSON.stringify(fb.get(k)));
}

/**
 * The config with one dotted key set, the value checked against its field. `whole` also checks the rules between
 * fields (off while several fields change together, which the caller then checks once at the end).
 */
export function withField(config: ExperimentConfig, key: string, value: unknown, whole = true): ExperimentConfig {
  const spec = fieldSpec(key);
  if (!spec) throw new ConfigError([`${key}: unknown key`]);
  const problem = fieldProblem(key, spec, value);
  if (problem) throw new ConfigError([problem]);
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  const dot = key.indexOf('.');
  if (dot < 0) (copy as Record<string, unknown>)[key] = value;
  else copy[key.slice(0, dot)][key.slice(dot + 1)] = value;
  return whole ? parseConfig(copy) : (copy as unknown as ExperimentConfig);
}

/** Only the fields that differ from the defaults, as a nested object (what a saved EXP.json needs). */
export function configOverrides(config: ExperimentConfig): ConfigInput {
  const defaults = flattenConfig(defaultConfig());
  const out: Record<string, unknown> = {};
  for (const [key, value] of flattenConfig(config)) {
    if (JSON.stringify(value) === JSON.stringify(defaults.get(key))) continue;
    const dot = key.indexOf('.');
    if (dot < 0) out[key] = value;
    else ((out[key.slice(0, dot)] ??= {}) as Record<string, unknown>)[key.slice(dot + 1)] = value;
  }
  return out as ConfigInput;
}

// URL form: one query parameter per field that differs from the default, named by its dotted key
// (?sampler.name=random&seed=3&train.loraTargets=q_proj,v_proj). Numbers and booleans as text, null as "null".

function parseQueryValue(spec: FieldSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'number':
      return raw.trim() === '' ? NaN : Number(raw);
    case 'number-or-null':
      return raw === 'null' ? null : raw.trim() === '' ? NaN : Number(raw);
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'string-list':
      return raw === '' ? [] : raw.split(',');
    default:
      return raw;
  }
}

export function configToQuery(config: ExperimentConfig): string {
  const defaults = flattenConfig(defaultConfig());
  const query = new URLSearchParams();
  for (const [key, value] of flattenConfig(config)) {
    if (JSON.stringify(value) === JSON.stringify(defaults.get(key))) continue;
    query.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/**
 * The config a query string describes. Parameters that are not config keys are left for the page (listed in
 * `ignored`); a config key with a bad value is a problem naming the key, and its default stays.
 */
export function configFromQuery(search: string): { config: ExperimentConfig; problems: string[]; ignored: string[] } {
  let config = defaultConfig();
  const problems: string[] = [];
  const ignored: string[] = [];
  for (const [key, raw] of new URLSearchParams(search)) {
    const spec = fieldSpec(key);
    if (!spec) {
      ignored.push(key);
      continue;
    }
    try {
      config = withField(config, key, parseQueryValue(spec, raw));
    } catch (error) {
      problems.push(error instanceof ConfigError ? error.problems.join('; ') : String(error));
    }
  }
  return { config, problems, ignored };
}

/**
 * The config with `KEY=VALUE` settings applied in order (the CLI's --set), values read as in the URL form;
 * a bad key or value is a ConfigError naming it.
 */
export function applySettings(config: ExperimentConfig, settings: readonly string[]): ExperimentConfig {
  let out = config;
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    if (eq <= 0) throw new ConfigError([`--set ${setting}: expected KEY=VALUE, e.g. sampler.name=random`]);
    const key = setting.slice(0, eq).trim();
    const spec = fieldSpec(key);
    if (!spec) throw new ConfigError([`${key}: unknown key`]);
    out = withField(out, key, parseQueryValue(spec, setting.slice(eq + 1)));
  }
  return out;
}

function fieldJsonSchema(spec: FieldSpec): Record<string, unknown> {
  const base: Record<string, unknown> = { description: spec.doc, default: spec.default };
  switch (spec.kind) {
    case 'number':
    case 'number-or-null': {
      const type = spec.integer ? 'integer' : 'number';
      const strict = 'exclusiveMin' in spec && spec.exclusiveMin;
      return {
        ...base,
        type: spec.kind === 'number-or-null' ? [type, 'null'] : type,
        ...(spec.min !== undefined ? (strict ? { exclusiveMinimum: spec.min } : { minimum: spec.min }) : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
      };
    }
    case 'string':
      return { ...base, type: 'string' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, type: 'string', enum: [...spec.values] };
    case 'string-list':
      return { ...base, type: 'array', items: spec.values ? { type: 'string', enum: [...spec.values] } : { type: 'string' }, ...(spec.minItems ? { minItems: spec.minItems } : {}) };
  }
}

/** The schema as JSON Schema (draft 2020-12), for editors and for configs/experiment.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const [name, spec] of Object.entries(CONFIG_SCHEMA.top.fields) as [string, FieldSpec][]) properties[name] = fieldJsonSchema(spec);
  for (const section of SECTIONS) {
    const fields = CONFIG_SCHEMA[section].fields as Record<string, FieldSpec>;
    properties[section] = {
      type: 'object',
      description: CONFIG_SCHEMA[section].doc,
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(fields).map(([n, s]) => [n, fieldJsonSchema(s)])),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'SAI-DPO Lab experiment',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
