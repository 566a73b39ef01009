// Getting trained tensors off the GPU and into files: a PEFT adapter, or a Hugging Face model folder;
// and a seeded random initialization for a model that starts from its config alone.
import type { ModelConfig } from '../files/config.ts';
import type { LoraConfig, LoraTensors } from '../files/adapter.ts';
import { writeSafetensors } from '../files/safetensors.ts';
import { expectedWeightShapes, LINEAR_MODULES } from '../files/weight-names.ts';
import { Rng } from '../../util/random.ts';
import type { TrainableModel } from './trainable.ts';

/** The adapter attached to the model's linear layers, read back from the GPU. */
export async function readAdapter(model: TrainableModel, config: LoraConfig): Promise<LoraTensors> {
  const layers: LoraTensors['layers'] = [];
  for (const [layer, w] of model.weights.layers.entries()) {
    for (const module of LINEAR_MODULES) {
      const lin = w.linears[module];
      if (!lin.lora) continue;
      layers.push({
        layer, module,
        A: await model.rt.readTensor(lin.lora.A),
        B: await model.rt.readTensor(lin.lora.B),
        inFeatures: lin.inF, outFeatures: lin.outF,
      });
    }
  }
  return { config, layers };
}

/** Every trained tensor (full training), read back from the GPU, by Hugging Face name. */
export async function readFullWeights(model: TrainableModel): Promise<Map<string, Float32Array>> {
  if (model.mode !== 'full') throw new Error('readFullWeights: the model is not in full-training mode');
  const out = new Map<string, Float32Array>();
  for (const p of model.parameters) out.set(p.name, await model.rt.readTensor(p.value));
  return out;
}

/** A Hugging Face model folder's config.json and model.safetensors (f32), as file name → bytes. */
export function modelFolderFiles(config: ModelConfig, tensors: Map<string, Float32Array>): Map<string, Uint8Array> {
  const shapes = expectedWeightShapes(config);
  const toWrite: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, shape] of shapes) {
    const data = tensors.get(name);
    if (!data) throw new Error(`cannot save the model: tensor ${name} is missing`);
    toWrite[name] = { shape, data };
  }
  const raw = { ...config.raw, torch_dtype: 'float32' };
  return new Map([
    ['config.json', new TextEncoder().encode(JSON.stringify(raw, null, 2) + '\n')],
    ['model.safetensors', writeSafetensors(toWrite, { format: 'pt' })],
  ]);
}

/**
 * Seeded random weights for a model built from its config alone, as Hugging Face's _init_weights does:
 * linear and embedding weights ~ N(0, initializer_range²) (default 0.02), biases 0, norm weights 1.
 */
export function* randomWeights(config: ModelConfig, seed: number): Generator<{ name: string; shape: number[]; data: Float32Array }> {
  const rng = new Rng(seed);
  const std = typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
  for (const [name, shape] of expectedWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('norm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    yield { name, shape, data };
  }
}
