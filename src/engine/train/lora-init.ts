// A fresh LoRA adapter, initialized as PEFT does: A ~ Kaiming-uniform (torch's kaiming_uniform_ with a = sqrt(5),
// i.e. U(−1/sqrt(in), 1/sqrt(in))), B = 0, so the adapter starts as an exact no-op.
import type { ModelConfig } from '../files/config.ts';
import type { LoraConfig, LoraTensors } from '../files/adapter.ts';
import { LINEAR_MODULES, linearShape, type LinearModule } from '../files/weight-names.ts';
import { Rng } from '../../util/random.ts';

export function parseTargets(text: string): LinearModule[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(LINEAR_MODULES as readonly string[]).includes(n)) throw new Error(`unknown LoRA target "${n}" (choose from ${LINEAR_MODULES.join(', ')})`);
  }
  if (names.length === 0) throw new Error('no LoRA targets given');
  return names as LinearModule[];
}

export function initLora(config: ModelConfig, lora: LoraConfig, seed: number): LoraTensors {
  if (!Number.isInteger(lora.r) || lora.r < 1) throw new Error(`LoRA rank must be a positive integer, got ${lora.r}`);
  const rng = new Rng(seed);
  const layers: LoraTensors['layers'] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const module of parseTargets(lora.targetModules.join(','))) {
      const [inFeatures, outFeatures] = linearShape(config, module);
      const bound = 1 / Math.sqrt(inFeatures);
      const A = new Float32Array(lora.r * inFeatures);
      for (let i = 0; i < A.length; i++) A[i] = (rng.next() * 2 - 1) * bound;
      layers.push({ layer, module, A, B: new Float32Array(outFeatures * lora.r), inFeatures, outFeatures });
    }
  }
  return { config: lora, layers };
}
