// Loads a model folder onto the GPU as a TrainableModel (tests only).
import { readPeftAdapter } from '../../../src/engine/files/adapter.ts';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { nodeSource, subSource } from '../../../src/engine/files/source.ts';
import type { Runtime } from '../../../src/engine/runtime.ts';
import { loadTrainable as load } from '../../../src/engine/train/load.ts';
import type { TrainableModel, TrainMode } from '../../../src/engine/train/trainable.ts';
import type { WeightDtype } from '../../../src/engine/weights.ts';

export async function loadTrainable(rt: Runtime, dir: string, mode: TrainMode, options: { adapterDir?: string; dtype?: WeightDtype } = {}): Promise<TrainableModel> {
  const source = nodeSource(dir);
  const config = parseConfig(await source.readText('config.json'));
  const adapter = options.adapterDir ? await readPeftAdapter(subSource(source, options.adapterDir), config) : undefined;
  return (await load(source, { mode, dtype: options.dtype, adapter, runtime: rt })).model;
}
