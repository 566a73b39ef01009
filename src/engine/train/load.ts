// A model folder on the GPU, ready to train: LoRA on a frozen base of any dtype, or every weight (f32).
// A folder with a config and tokenizer but no weights starts from a seeded random initialization.
import type { LoraTensors } from '../files/adapter.ts';
import { INDEX_FILE, SINGLE_FILE, readCheckpoint } from '../files/checkpoint.ts';
import { parseConfig, type ModelConfig } from '../files/config.ts';
import type { ModelSource } from '../files/source.ts';
import { loadTokenizer, type Tokenizer } from '../files/tokenizer.ts';
import { acquireGpu } from '../gpu.ts';
import { attachLora, uploadCheckpoint } from '../model/gpu-weights.ts';
import { Runtime } from '../runtime.ts';
import type { WeightDtype } from '../weights.ts';
import { TrainableModel, type TrainMode } from './trainable.ts';
import { randomWeights } from './weights-io.ts';

export interface LoadTrainableOptions {
  mode: TrainMode;
  /** base weights' dtype (LoRA only; full training is f32) */
  dtype?: WeightDtype;
  /** the adapter to train (LoRA mode); its config's dropout applies in training passes */
  adapter?: LoraTensors;
  /** seed of LoRA dropout's masks */
  seed?: number;
  /** when the folder has no weights: initialize them randomly with this seed (else it is an error) */
  randomInitSeed?: number;
  runtime?: Runtime;
  /** Told about checkpoint tensors dropped because the model has no use for them. */
  onWarning?: (message: string) => void;
}

export interface LoadedTrainable {
  model: TrainableModel;
  config: ModelConfig;
  tokenizer: Tokenizer;
  /** true when the weights came from randomWeights() */
  randomInit: boolean;
}

export async function loadTrainable(source: ModelSource, options: LoadTrainableOptions): Promise<LoadedTrainable> {
  const config = parseConfig(await source.readText('config.json'));
  const tokenizer = await loadTokenizer(source, config);
  const dtype = options.mode === 'full' ? 'f32' : options.dtype ?? 'f32';
  if (options.mode === 'full' && options.dtype && options.dtype !== 'f32') throw new Error(`full-parameter training needs f32 weights, not ${options.dtype}`);
  const hasWeights = (await source.has(SINGLE_FILE)) || (await source.has(INDEX_FILE));
  if (!hasWeights && options.randomInitSeed === undefined) throw new Error(`${source.name}: no ${SINGLE_FILE} or ${INDEX_FILE}`);
  const tensors = hasWeights ? readCheckpoint(source, undefined, { config, onWarning: options.onWarning }) : randomWeights(config, options.randomInitSeed!);
  const rt = options.runtime ?? new Runtime(await acquireGpu());
  const weights = await uploadCheckpoint(rt, config, dtype, tensors);
  if (options.adapter) attachLora(rt, config, weights, options.adapter);
  const trainable = new TrainableModel(rt, config, weights, options.mode, { loraDropout: options.adapter?.config.dropout ?? 0, seed: options.seed });
  return { model: trainable, config, tokenizer, randomInit: !hasWeights };
}
