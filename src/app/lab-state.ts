// The lab's state that a link should reproduce: model, dtype, prompt and sampling settings,
// kept in the URL query string (e.g. ?prompt=2%2B2%3D&n=2&seed=7). Bad values never break the page:
// they fall back to the default and are listed as warnings to show.
import { DTYPES, type Dtype, type GenerateRequest } from '../../workers/policy-api.ts';
import { boundProblem, GENERATE_BOUNDS } from '../../workers/generate-request.ts';

export interface LabState extends Omit<GenerateRequest, 'stop'> {
  /** base URL of a model folder (config.json, tokenizer.json, model.safetensors, ...) */
  model: string;
  dtype: Dtype;
  prompt: string;
}

export const DEFAULT_STATE: LabState = {
  model: '/models/tiny-math/',
  dtype: 'f32',
  prompt: 'What is 12 + 30?\n',
  n: 2,
  maxNewTokens: 96,
  temperature: 0.8,
  topP: 0.95,
  seed: 1,
};

type NumericField = keyof typeof GENERATE_BOUNDS;
const NUMERIC_FIELDS = Object.keys(GENERATE_BOUNDS) as NumericField[];

export interface ParsedState {
  state: LabState;
  /** one line per query parameter that was ignored, naming it and why */
  warnings: string[];
}

export function parseLabState(search: string): ParsedState {
  const query = new URLSearchParams(search);
  const state: LabState = { ...DEFAULT_STATE };
  const warnings: string[] = [];
  const model = query.get('model');
  if (model !== null) {
    if (model.trim() === '') warnings.push('model: empty, using the bundled model');
    else state.model = model.endsWith('/') ? model : `${model}/`;
  }
  const dtype = query.get('dtype');
  if (dtype !== null) {
    if ((DTYPES as readonly string[]).includes(dtype)) state.dtype = dtype as Dtype;
    else warnings.push(`dtype: "${dtype}" is not one of ${DTYPES.join(', ')}; using ${DEFAULT_STATE.dtype}`);
  }
  const prompt = query.get('prompt');
  if (prompt !== null) state.prompt = prompt;
  for (const field of NUMERIC_FIELDS) {
    const raw = query.get(field);
    if (raw === null) continue;
    const value = raw.trim() === '' ? NaN : Number(raw);
    const problem = Number.isNaN(value) ? `${field} must be a number, got "${raw}"` : boundProblem(field, value);
    if (problem) warnings.push(`${field}: ${problem.slice(field.length + 1)}; using ${DEFAULT_STATE[field]}`);
    else state[field] = value;
  }
  return { state, warnings };
}

/** The query string for `state`, listing only what differs from the defaults (short, shareable links). */
export function labStateQuery(state: LabState): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_STATE) as (keyof LabState)[]) {
    if (state[key] !== DEFAULT_STATE[key]) query.set(key, String(state[key]));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
