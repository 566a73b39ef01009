// Model weights streamed tensor by tensor from model.safetensors or from the shards listed in
// model.safetensors.index.json. One file's bytes are held at a time, and each tensor's f32 copy is
// made only when it is yielded, so the caller can upload (or quantize) it and let it go.
import type { ModelConfig } from './config.ts';
import { ModelFileError } from './errors.ts';
import { isPlainObject, parseJsonObject } from './json.ts';
import { FLOAT_DTYPES, SafetensorsFile, type Dtype } from './safetensors.ts';
import type { ModelSource } from './source.ts';
import { expectedWeightShapes } from './weight-names.ts';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface CheckpointTensor {
  name: string;
  shape: number[];
  /** The dtype stored in the file (the data is always converted to f32). */
  dtype: Dtype;
  data: Float32Array;
}

export interface CheckpointProgress {
  file: string;
  loaded: number;
  total: number | null;
}

export interface ReadCheckpointOptions {
  /** When given, names and shapes are checked against the model before any tensor is yielded from a file. */
  config?: ModelConfig;
  /** Told about tensors that are dropped because the model has no use for them (see unusedTensors). */
  onWarning?: (message: string) => void;
}

/** The checkpoint's layout: the files to read and, when sharded, which file holds each tensor. */
interface CheckpointLayout {
  files: string[];
  weightMap: Map<string, string> | null;
}

async function checkpointLayout(source: ModelSource): Promise<CheckpointLayout> {
  if (await source.has(INDEX_FILE)) {
    const weightMap = parseIndex(await source.readText(INDEX_FILE));
    return { files: [...new Set(weightMap.values())], weightMap };
  }
  if (await source.has(SINGLE_FILE)) return { files: [SINGLE_FILE], weightMap: null };
  throw new ModelFileError(source.name, `no ${SINGLE_FILE} or ${INDEX_FILE}: not a safetensors model folder`);
}

/** model.safetensors.index.json: { "metadata": {...}, "weight_map": { tensor name: shard file } }. */
export function parseIndex(text: string, fileName = INDEX_FILE): Map<string, string> {
  const index = parseJsonObject(text, fileName);
  if (!isPlainObject(index.weight_map)) throw new ModelFileError(fileName, 'weight_map must be an object of tensor name → file name');
  const weightMap = new Map<string, string>();
  for (const [name, file] of Object.entries(index.weight_map)) {
    if (typeof file !== 'string' || !file.endsWith('.safetensors')) {
      throw new ModelFileError(fileName, `weight_map.${name} must name a .safetensors file, got ${JSON.stringify(file)}`);
    }
    weightMap.set(name, file);
  }
  if (weightMap.size === 0) throw new ModelFileError(fileName, 'weight_map is empty');
  return weightMap;
}

export async function* readCheckpoint(
  source: ModelSource,
  onProgress?: (p: CheckpointProgress) => void,
  options: ReadCheckpointOptions = {},
): AsyncGenerator<CheckpointTensor> {
  const layout = await checkpointLayout(source);
  const config = options.config;
  const expected = config ? expectedWeightShapes(config) : null;
  if (config && expected && layout.weightMap) {
    throwIfMissing(expected, new Set(layout.weightMap.keys()), INDEX_FILE);
    checkUnused(config, expected, [...layout.weightMap.keys()], INDEX_FILE, options.onWarning);
  }
  for (const file of layout.files) {
    const bytes = await source.read(file, (loaded, total) => onProgress?.({ file, loaded, total }));
    const weights = SafetensorsFile.parse(bytes, file);
    if (layout.weightMap) checkShardMatchesIndex(weights, layout.weightMap, file);
    if (config && expected) {
      if (!layout.weightMap) {
        throwIfMissing(expected, new Set(weights.tensors.keys()), file);
        checkUnused(config, expected, [...weights.tensors.values()].filter((t) => FLOAT_DTYPES.includes(t.dtype)).map((t) => t.name), file, options.onWarning);
      }
      throwIfMisshapen(expected, weights, file);
    }
    for (const info of weights.tensors.values()) {
      // With a config only the model's own tensors are yielded (checkUnused has refused or reported the rest).
      if (expected && !expected.has(info.name)) continue;
      yield { name: info.name, shape: info.shape, dtype: info.dtype, data: weights.f32(info.name) };
    }
  }
}

/** Tensors a checkpoint may carry that the model has no use for: rotary caches of older exports. */
const HARMLESS_EXTRA = /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/;

/**
 * Float tensors the config does not use are an error naming them (e.g. a config with fewer layers than the
 * weights, which would otherwise train and save a truncated model). Rotary caches and, with tied embeddings,
 * an lm_head.weight copy are dropped with a warning instead: Hugging Face ignores them too.
 */
function checkUnused(config: ModelConfig, expected: Map<string, number[]>, names: string[], fileName: string, onWarning?: (m: string) => void): void {
  const ignored: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    if (expected.has(name)) continue;
    if (HARMLESS_EXTRA.test(name)) ignored.push(name);
    else if (name === 'lm_head.weight' && config.tieWordEmbeddings) ignored.push(`${name} (tied to model.embed_tokens.weight)`);
    else problems.push(`tensor ${name} is not used by the model (config.json: ${config.numLayers} layers)`);
  }
  throwProblems(problems, fileName);
  if (ignored.length > 0) onWarning?.(`${fileName}: ignoring tensors the model does not use: ${ignored.join(', ')}`);
}

/** Throws unless every tensor the model needs is present with the right shape and a float dtype. */
export function checkWeights(config: ModelConfig, shapes: Map<string, number[]>, fileName = SINGLE_FILE): void {
  const expected = expectedWeightShapes(config);
  throwIfMissing(expected, new Set(shapes.keys()), fileName);
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const actual = shapes.get(name)!;
    if (!sameShape(actual, shape)) problems.push(shapeProblem(name, actual, shape));
  }
  throwProblems(problems, fileName);
}

function throwIfMissing(expected: Map<string, number[]>, present: Set<string>, fileName: string): void {
  const missing = [...expected.keys()].filter((name) => !present.has(name));
  throwProblems(missing.map((name) => `tensor ${name} is missing (expected shape [${expected.get(name)!.join(', ')}])`), fileName);
}

function throwIfMisshapen(expected: Map<string, number[]>, weights: SafetensorsFile, fileName: string): void {
  const problems: string[] = [];
  for (const info of weights.tensors.values()) {
    const shape = expected.get(info.name);
    if (!shape) continue;
    if (!sameShape(info.shape, shape)) problems.push(shapeProblem(info.name, info.shape, shape));
    else if (!FLOAT_DTYPES.includes(info.dtype)) {
      problems.push(`tensor ${info.name} has dtype ${info.dtype}, which is not supported (supported: ${FLOAT_DTYPES.join(', ')})`);
    }
  }
  throwProblems(problems, fileName);
}

function checkShardMatchesIndex(weights: SafetensorsFile, weightMap: Map<string, string>, file: string): void {
  const problems: string[] = [];
  for (const [name, shard] of weightMap) {
    if (shard === file && !weights.has(name)) problems.push(`tensor ${name} is listed in ${INDEX_FILE} but not in this file`);
  }
  throwProblems(problems, file);
}

function shapeProblem(name: string, actual: number[], expected: number[]): string {
  return `tensor ${name} has shape [${actual.join(', ')}] but the config expects [${expected.join(', ')}]`;
}

// Several problems at once, so a wrong config shows all its consequences in one message (first 8).
function throwProblems(problems: string[], fileName: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 8).join('; ');
  const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
  throw new ModelFileError(fileName, shown + more);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
