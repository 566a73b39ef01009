// Loads the GPU model: streams the checkpoint onto the device and attaches the adapter.
import type { ModelConfig } from '../files/config.ts';
import { acquireGpu } from '../gpu.ts';
import type { ReferenceLora } from '../reference/model.ts';
import { Runtime } from '../runtime.ts';
import type { Backend, TensorStream } from './backend.ts';
import { GpuModel } from './gpu-model.ts';
import { attachLora, uploadCheckpoint } from './gpu-weights.ts';

export async function gpuBackend(
  config: ModelConfig, tensors: TensorStream, lora: ReferenceLora | undefined,
  options: { dtype?: 'f32' | 'q8' | 'q4'; runtime?: Runtime },
): Promise<Backend> {
  const dtype = options.dtype ?? 'f32';
  const rt = options.runtime ?? new Runtime(await acquireGpu());
  let model: GpuModel;
  try {
    const weights = await uploadCheckpoint(rt, config, dtype, tensors);
    if (lora) attachLora(rt, config, weights, lora);
    await rt.sync();
    model = new GpuModel(rt, config, weights);
  } catch (error) {
    if (!options.runtime) rt.gpu.destroy(); // frees whatever was uploaded
    throw error;
  }
  return {
    device: `gpu (${rt.gpu.info.description || rt.gpu.info.vendor}, ${dtype})`,
    decoder: model,
    logprobs: (items) => model.logprobs(items),
    dispose: () => {
      model.dispose();
      if (!options.runtime) rt.gpu.destroy();
    },
  };
}
