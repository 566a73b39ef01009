// config.json and generation_config.json of a Hugging Face Llama / Qwen2 folder, validated.
// Defaults follow transformers' LlamaConfig and Qwen2Config for fields a config may leave out.
import { ModelFileError } from './errors.ts';
import { describeJsonType, parseJsonObject } from './json.ts';

export type Architecture = 'llama' | 'qwen2';

export interface ModelConfig {
  architecture: Architecture;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** q/k/v projections have biases: always for Qwen2, `attention_bias` for Llama. */
  attentionBias: boolean;
  /** o_proj has a bias: only Llama with `attention_bias` (Qwen2's o_proj never has one). */
  oProjBias: boolean;
  /** gate/up/down projections have biases (Llama's `mlp_bias`). */
  mlpBias: boolean;
  bosTokenId: number | null;
  eosTokenIds: number[];
  raw: Record<string, unknown>;
}

const ARCHITECTURES: Record<string, Architecture> = {
  LlamaForCausalLM: 'llama',
  Qwen2ForCausalLM: 'qwen2',
};
const MODEL_TYPES: Record<string, Architecture> = { llama: 'llama', qwen2: 'qwen2' };

/** Parses and validates config.json; every error names the file and the field. */
export function parseConfig(text: string, fileName = 'config.json'): ModelConfig {
  const raw = parseJsonObject(text, fileName);
  const field = new FieldReader(raw, fileName);
  const architecture = readArchitecture(raw, fileName);
  const hiddenSize = field.positiveInteger('hidden_size');
  const numHeads = field.positiveInteger('num_attention_heads');
  const numKvHeads = field.positiveInteger('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new ModelFileError(fileName, `num_key_value_heads (${numKvHeads}) must divide num_attention_heads (${numHeads})`);
  }
  const headDim = readHeadDim(field, hiddenSize, numHeads, fileName);
  checkUnsupportedOptions(raw, architecture, fileName);
  const attentionBias = architecture === 'qwen2' ? true : field.boolean('attention_bias', false);
  return {
    architecture,
    hiddenSize,
    intermediateSize: field.positiveInteger('intermediate_size'),
    numLayers: field.positiveInteger('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: field.positiveInteger('vocab_size'),
    rmsNormEps: field.positiveNumber('rms_norm_eps', 1e-6),
    ropeTheta: field.positiveNumber('rope_theta', 10000),
    maxPositionEmbeddings: field.positiveInteger('max_position_embeddings', architecture === 'qwen2' ? 32768 : 2048),
    tieWordEmbeddings: field.boolean('tie_word_embeddings', false),
    attentionBias,
    oProjBias: architecture === 'llama' && attentionBias,
    mlpBias: architecture === 'llama' ? field.boolean('mlp_bias', false) : false,
    bosTokenId: field.tokenIdOrNull('bos_token_id'),
    eosTokenIds: field.tokenIds('eos_token_id'),
    raw,
  };
}

function readArchitecture(raw: Record<string, unknown>, fileName: string): Architecture {
  const supported = Object.keys(ARCHITECTURES).join(', ');
  const list = raw.architectures;
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list) || list.length === 0 || typeof list[0] !== 'string') {
      throw new ModelFileError(fileName, `architectures must be a non-empty array of strings, got ${JSON.stringify(list)}`);
    }
    const architecture = ARCHITECTURES[list[0]];
    if (!architecture) throw new ModelFileError(fileName, `architectures: ${list[0]} is not supported (supported: ${supported})`);
    return architecture;
  }
  const modelType = raw.model_type;
  if (typeof modelType === 'string' && MODEL_TYPES[modelType]) return MODEL_TYPES[modelType];
  throw new ModelFileError(
    fileName,
    modelType === undefined
      ? `needs architectures (one of ${supported}) or model_type (llama, qwen2)`
      : `model_type: ${JSON.stringify(modelType)} is not supported (supported: llama, qwen2)`,
  );
}

function readHeadDim(field: FieldReader, hiddenSize: number, numHeads: number, fileName: string): number {
  if (field.present('head_dim')) return field.positiveInteger('head_dim');
  if (hiddenSize % numHeads !== 0) {
    throw new ModelFileError(fileName, `num_attention_heads (${numHeads}) must divide hidden_size (${hiddenSize}) when head_dim is not given`);
  }
  return hiddenSize / numHeads;
}

/** Options that change the maths in ways the engine does not implement: refuse them rather than run wrong. */
function checkUnsupportedOptions(raw: Record<string, unknown>, architecture: Architecture, fileName: string): void {
  const act = raw.hidden_act ?? raw.hidden_activation ?? 'silu';
  if (act !== 'silu') throw new ModelFileError(fileName, `hidden_act: ${JSON.stringify(act)} is not supported (only "silu")`);
  const scaling = raw.rope_scaling;
  if (scaling !== undefined && scaling !== null) {
    const type = typeof scaling === 'object' ? ((scaling as Record<string, unknown>).rope_type ?? (scaling as Record<string, unknown>).type) : scaling;
    if (type !== 'default') {
      throw new ModelFileError(fileName, `rope_scaling: ${JSON.stringify(type ?? scaling)} is not supported (only plain RoPE: rope_scaling null)`);
    }
  }
  if (architecture === 'qwen2' && raw.use_sliding_window === true) {
    throw new ModelFileError(fileName, 'use_sliding_window: true is not supported (sliding-window attention)');
  }
  const rotary = raw.partial_rotary_factor;
  if (rotary !== undefined && rotary !== null && rotary !== 1) {
    throw new ModelFileError(fileName, `partial_rotary_factor: ${JSON.stringify(rotary)} is not supported (only 1)`);
  }
}

/** Typed access to fields of a JSON object; each failure names the file and the field. */
class FieldReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly fileName: string,
  ) {}

  present(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  private fail(key: string, want: string): never {
    const value = this.raw[key];
    const got = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)} (${describeJsonType(value)})`;
    throw new ModelFileError(this.fileName, `${key} must be ${want}; ${got}`);
  }

  positiveInteger(key: string, fallback?: number): number {
    const value = this.raw[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(key, 'a positive integer');
    return value;
  }

  positiveNumber(key: string, fallback: number): number {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(key, 'a positive number');
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(key, 'true or false');
    return value;
  }

  tokenIdOrNull(key: string): number | null {
    const value = this.raw[key];
    if (value === undefined || value === null) return null;
    if (!isTokenId(value)) this.fail(key, 'a token id (a non-negative integer)');
    return value;
  }

  tokenIds(key: string): number[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return [];
    if (isTokenId(value)) return [value];
    if (Array.isArray(value) && value.every(isTokenId)) return [...new Set(value)];
    this.fail(key, 'a token id or an array of token ids');
  }

  optionalNumber(key: string): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a number');
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(key, 'true or false');
    return value;
  }
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export interface GenerationConfig {
  bosTokenId?: number | null;
  eosTokenIds?: number[];
  padTokenId?: number | null;
  doSample?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxNewTokens?: number;
  repetitionPenalty?: number;
  raw: Record<string, unknown>;
}

/** Parses generation_config.json: only the fields present are set. */
export function parseGenerationConfig(text: string, fileName = 'generation_config.json'): GenerationConfig {
  const raw = parseJsonObject(text, fileName);
  const field = new FieldReader(raw, fileName);
  const out: GenerationConfig = { raw };
  if (field.present('bos_token_id')) out.bosTokenId = field.tokenIdOrNull('bos_token_id');
  if (field.present('eos_token_id')) out.eosTokenIds = field.tokenIds('eos_token_id');
  if (field.present('pad_token_id')) out.padTokenId = field.tokenIdOrNull('pad_token_id');
  out.doSample = field.optionalBoolean('do_sample');
  out.temperature = field.optionalNumber('temperature');
  out.topP = field.optionalNumber('top_p');
  out.topK = field.optionalNumber('top_k');
  out.repetitionPenalty = field.optionalNumber('repetition_penalty');
  if (field.present('max_new_tokens')) out.maxNewTokens = field.positiveInteger('max_new_tokens');
  for (const key of Object.keys(out) as (keyof GenerationConfig)[]) if (out[key] === undefined) delete out[key];
  if (out.temperature !== undefined && out.temperature < 0) throw new ModelFileError(fileName, `temperature must be ≥ 0; got ${out.temperature}`);
  if (out.topP !== undefined && !(out.topP > 0 && out.topP <= 1)) throw new ModelFileError(fileName, `top_p must be in (0, 1]; got ${out.topP}`);
  return out;
}
