// Generation on the CPU reference decoder (no KV cache): the generation loop itself, checked
// against step-by-step greedy decoding of the reference model.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { nodeSource } from '../../../src/engine/files/source.ts';
import { loadTokenizer } from '../../../src/engine/files/tokenizer.ts';
import { CpuDecoder } from '../../../src/engine/model/cpu-decoder.ts';
import { writeTinyModel } from '../../helpers/tiny-model.ts';
import { generationCases, type GenerationFixture } from './generation-cases.ts';

let fixture: Promise<GenerationFixture> | null = null;

function cpuFixture(): Promise<GenerationFixture> {
  fixture ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gen-cpu-'));
    const tiny = await writeTinyModel(dir, { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, headDim: 12, intermediate: 48, tie: false, seed: 3 });
    const tokenizer = await loadTokenizer(nodeSource(dir), tiny.config);
    const weights = { config: tiny.config, tensors: tiny.tensors };
    return { decoder: new CpuDecoder(weights, tiny.config.maxPositionEmbeddings), weights, decode: (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true }) };
  })();
  return fixture;
}

describe('generation on the CPU reference decoder', () => {
  generationCases(cpuFixture);
});
