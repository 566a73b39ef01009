// PEFT LoRA adapters: adapter_config.json + adapter_model.safetensors, the layout Python's
// `peft` saves and loads (PeftModel.from_pretrained / save_pretrained). The effective weight is
// W + (lora_alpha / r) · B · A, with A: [r, in] and B: [out, r] (Hu et al. 2021, eq. 3).
import type { ModelConfig } from './config.ts';
import { ModelFileError } from './errors.ts';
import { isPlainObject, parseJsonObject } from './json.ts';
import { FLOAT_DTYPES, SafetensorsFile, writeSafetensors, type TensorToWrite } from './safetensors.ts';
import type { ModelSource } from './source.ts';
import { LINEAR_MODULES, linearShape, moduleBlock, type LinearModule } from './weight-names.ts';

export interface LoraConfig {
  r: number;
  alpha: number;
  targetModules: string[];
  dropout: number;
}

export interface LoraLayer {
  layer: number;
  module: LinearModule;
  /** A: [r, in] */
  A: Float32Array;
  /** B: [out, r] */
  B: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface LoraTensors {
  config: LoraConfig;
  layers: LoraLayer[];
}

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

export async function readPeftAdapter(source: ModelSource, config: ModelConfig): Promise<LoraTensors> {
  for (const file of [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE]) {
    if (!(await source.has(file))) throw new ModelFileError(`${source.name}/${file}`, 'not found (not a PEFT adapter folder?)');
  }
  const lora = parseAdapterConfig(await source.readText(ADAPTER_CONFIG_FILE));
  const weights = SafetensorsFile.parse(await source.read(ADAPTER_WEIGHTS_FILE), ADAPTER_WEIGHTS_FILE);
  const layers = readLoraLayers(weights, lora, config);
  if (lora.targetModules.length === 0) lora.targetModules = [...new Set(layers.map((l) => l.module))];
  return { config: lora, layers };
}

/** Options that change what the adapter computes beyond W + (alpha / r)·B·A: refused, naming the field. */
const UNSUPPORTED_OPTIONS: [field: string, isSet: (v: unknown) => boolean, why: string][] = [
  ['use_dora', (v) => v === true, 'DoRA adapters are not supported'],
  ['use_rslora', (v) => v === true, 'rank-stabilized LoRA (scale alpha/sqrt(r)) is not supported'],
  ['fan_in_fan_out', (v) => v === true, 'fan_in_fan_out (Conv1D-style transposed weights) is not supported'],
  ['bias', (v) => v !== undefined && v !== null && v !== 'none', 'trained biases are not supported (only "none")'],
  ['modules_to_save', (v) => Array.isArray(v) && v.length > 0, 'fully trained extra modules are not supported'],
  ['rank_pattern', (v) => isPlainObject(v) && Object.keys(v).length > 0, 'per-module ranks are not supported'],
  ['alpha_pattern', (v) => isPlainObject(v) && Object.keys(v).length > 0, 'per-module alphas are not supported'],
  ['layer_replication', (v) => Array.isArray(v) && v.length > 0, 'layer replication is not supported'],
  ['target_parameters', (v) => Array.isArray(v) && v.length > 0, 'LoRA on raw parameters is not supported'],
];

export function parseAdapterConfig(text: string, fileName = ADAPTER_CONFIG_FILE): LoraConfig {
  const raw = parseJsonObject(text, fileName);
  if (raw.peft_type !== undefined && raw.peft_type !== 'LORA') {
    throw new ModelFileError(fileName, `peft_type ${JSON.stringify(raw.peft_type)} is not supported (only "LORA")`);
  }
  for (const [field, isSet, why] of UNSUPPORTED_OPTIONS) {
    if (isSet(raw[field])) throw new ModelFileError(fileName, `${field}: ${JSON.stringify(raw[field])}: ${why}`);
  }
  const r = raw.r ?? 8; // PEFT's default rank
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r <= 0) throw new ModelFileError(fileName, `r must be a positive integer, got ${JSON.stringify(r)}`);
  const alpha = raw.lora_alpha ?? 8; // PEFT's default lora_alpha
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ModelFileError(fileName, `lora_alpha must be a number, got ${JSON.stringify(alpha)}`);
  const dropout = raw.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ModelFileError(fileName, `lora_dropout must be a number in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  return { r, alpha, dropout, targetModules: readTargetModules(raw.target_modules, fileName) };
}

/** A list of module names (each one we support), or a regex / "all-linear": then [] and the tensors decide. */
function readTargetModules(value: unknown, fileName: string): string[] {
  if (typeof value === 'string') return [];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new ModelFileError(fileName, `target_modules must be a non-empty list of module names, got ${JSON.stringify(value)}`);
  }
  for (const name of value) {
    if (!(LINEAR_MODULES as readonly string[]).includes(name)) {
      throw new ModelFileError(fileName, `target_modules: ${JSON.stringify(name)} is not supported (supported: ${LINEAR_MODULES.join(', ')})`);
    }
  }
  return [...value];
}

// base_model.model.model.layers.{i}.{self_attn|mlp}.{module}.lora_{A|B}[.{adapter name}].weight
const LORA_TENSOR = /^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.[\w-]+)?\.weight$/;

function readLoraLayers(weights: SafetensorsFile, lora: LoraConfig, config: ModelConfig): LoraLayer[] {
  const file = weights.fileName;
  const pairs = new Map<string, { layer: number; module: LinearModule; A?: string; B?: string }>();
  for (const name of weights.tensors.keys()) {
    const match = LORA_TENSOR.exec(name);
    if (!match) throw new ModelFileError(file, `tensor ${name} is not a LoRA weight of a decoder layer's linear module`);
    const [, layerText, block, moduleName, which] = match;
    const layer = Number(layerText);
    const module = moduleName as LinearModule;
    if (!(LINEAR_MODULES as readonly string[]).includes(moduleName) || moduleBlock(module) !== block) {
      throw new ModelFileError(file, `tensor ${name}: ${block}.${moduleName} is not a supported target module`);
    }
    if (layer >= config.numLayers) throw new ModelFileError(file, `tensor ${name}: layer ${layer} does not exist (the model has ${config.numLayers} layers)`);
    if (lora.targetModules.length > 0 && !lora.targetModules.includes(module)) {
      throw new ModelFileError(file, `tensor ${name}: ${module} is not in adapter_config.json's target_modules [${lora.targetModules.join(', ')}]`);
    }
    const key = `${layer}.${module}`;
    const pair = pairs.get(key) ?? { layer, module };
    if (pair[which as 'A' | 'B']) throw new ModelFileError(file, `tensor ${name}: a second lora_${which} for layer ${layer} ${module}`);
    pair[which as 'A' | 'B'] = name;
    pairs.set(key, pair);
  }
  if (pairs.size === 0) throw new ModelFileError(file, 'no LoRA tensors');
  const layers: LoraLayer[] = [];
  for (const pair of pairs.values()) {
    if (!pair.A || !pair.B) {
      const missing = pair.A ? 'lora_B' : 'lora_A';
      throw new ModelFileError(file, `layer ${pair.layer} ${pair.module} has no ${missing} weight`);
    }
    layers.push(readPair(weights, pair.A, pair.B, pair.layer, pair.module, lora.r, config));
  }
  const order = (l: LoraLayer) => l.layer * LINEAR_MODULES.length + LINEAR_MODULES.indexOf(l.module);
  return layers.sort((a, b) => order(a) - order(b));
}

function readPair(weights: SafetensorsFile, aName: string, bName: string, layer: number, module: LinearModule, r: number, config: ModelConfig): LoraLayer {
  const file = weights.fileName;
  const [inFeatures, outFeatures] = linearShape(config, module);
  const a = weights.info(aName);
  const b = weights.info(bName);
  for (const info of [a, b]) {
    if (!FLOAT_DTYPES.includes(info.dtype)) throw new ModelFileError(file, `tensor ${info.name} has dtype ${info.dtype} (supported: ${FLOAT_DTYPES.join(', ')})`);
    if (info.shape.length !== 2) throw new ModelFileError(file, `tensor ${info.name} has shape [${info.shape.join(', ')}], expected a matrix`);
  }
  if (a.shape[0] !== r) throw new ModelFileError(file, `${aName} has shape [${a.shape.join(', ')}] but adapter_config.json's r is ${r}`);
  if (a.shape[1] !== inFeatures) {
    throw new ModelFileError(file, `${aName} has shape [${a.shape.join(', ')}] but the model's ${module} takes ${inFeatures} inputs`);
  }
  if (b.shape[1] !== r) throw new ModelFileError(file, `${bName} has shape [${b.shape.join(', ')}] but adapter_config.json's r is ${r}`);
  if (b.shape[0] !== outFeatures) {
    throw new ModelFileError(file, `${bName} has shape [${b.shape.join(', ')}] but the model's ${module} gives ${outFeatures} outputs`);
  }
  return { layer, module, A: weights.f32(aName), B: weights.f32(bName), inFeatures, outFeatures };
}

/** The PEFT files for an adapter: file name → bytes. Loadable by `PeftModel.from_pretrained(base, dir)`. */
export function writePeftAdapter(adapter: LoraTensors, baseModelName: string): Map<string, Uint8Array> {
  const { r, alpha, dropout } = adapter.config;
  const targetModules = LINEAR_MODULES.filter((m) => adapter.config.targetModules.includes(m) || adapter.layers.some((l) => l.module === m));
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModelName,
    r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    target_modules: targetModules,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_rslora: false,
    use_dora: false,
    revision: null,
  };
  const tensors: Record<string, TensorToWrite> = {};
  for (const l of adapter.layers) {
    checkLayerSizes(l, r);
    const prefix = `base_model.model.model.layers.${l.layer}.${moduleBlock(l.module)}.${l.module}`;
    tensors[`${prefix}.lora_A.weight`] = { shape: [r, l.inFeatures], data: l.A };
    tensors[`${prefix}.lora_B.weight`] = { shape: [l.outFeatures, r], data: l.B };
  }
  return new Map([
    [ADAPTER_CONFIG_FILE, new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n')],
    // PEFT writes metadata {"format": "pt"}; torch-side loaders check for it.
    [ADAPTER_WEIGHTS_FILE, writeSafetensors(tensors, { format: 'pt' })],
  ]);
}

function checkLayerSizes(l: LoraLayer, r: number): void {
  if (l.A.length !== r * l.inFeatures || l.B.length !== l.outFeatures * r) {
    throw new Error(
      `writePeftAdapter: layer ${l.layer} ${l.module}: A has ${l.A.length} values (want r·in = ${r * l.inFeatures}), ` +
        `B has ${l.B.length} (want out·r = ${l.outFeatures * r})`,
    );
  }
}
