// Splitting a batch into passes: similar lengths together, at most the requested size, each fitting the GPU,
// cut where the estimated cost (padded work + a cost per pass) is least.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { groupByLength, microBatches, passCostFor, type PassCost } from '../../../src/engine/train/micro-batches.ts';
import type { TrainableModel } from '../../../src/engine/train/trainable.ts';

const shape = (lengths: number[]) => ({ B: lengths.length, T: Math.max(...lengths), M: lengths.length });
const fitting = (tokens: number) => (s: { B: number; T: number }) => s.B * s.T <= tokens;
/** linear in padded tokens, `perPass` tokens' worth per pass */
const tokens = (perPass: number): PassCost => ({ perToken: 1, perSquaredLength: 0, perPass });
const lengthsOf = <T>(passes: { items: T[] }[]) => passes.map((p) => p.items);

describe('groupByLength', () => {
  it('sorts by length and keeps the requested size when passes are expensive', () => {
    const passes = groupByLength([3, 7, 5, 6, 4], 2, shape, fitting(1000), tokens(1000));
    expect(lengthsOf(passes)).toEqual([[7, 6], [5, 4], [3]]);
    expect(passes.map((p) => p.positions)).toEqual([[1, 3], [2, 4], [0]]);
  });

  it('splits a mixed batch where the padding saved outweighs the cost of a pass', () => {
    // one pass: 4 × 100 = 400 padded tokens + 10; two passes: 2 × 100 + 2 × 10 + 2 × 10 = 240
    expect(lengthsOf(groupByLength([100, 10, 100, 10], 4, shape, fitting(1e6), tokens(10)))).toEqual([[100, 100], [10, 10]]);
    // a pass worth 500 tokens: one pass is cheaper
    expect(lengthsOf(groupByLength([100, 10, 100, 10], 4, shape, fitting(1e6), tokens(500)))).toEqual([[100, 100, 10, 10]]);
  });

  it('counts attention as quadratic in the padded length', () => {
    // linear cost alone keeps one pass (4·20 + 100 = 180 < 2·20 + 2·10 + 200 = 260); T² tips it (4·400 vs 2·400 + 2·100)
    const quadratic = { perToken: 1, perSquaredLength: 1, perPass: 100 };
    expect(lengthsOf(groupByLength([20, 10, 20, 10], 4, shape, fitting(1e6), tokens(100)))).toHaveLength(1);
    expect(lengthsOf(groupByLength([20, 10, 20, 10], 4, shape, fitting(1e6), quadratic))).toEqual([[20, 20], [10, 10]]);
  });

  it('splits further where the padded rows would not fit', () => {
    // 10 padded tokens per pass at most
    const passes = groupByLength([4, 5, 9, 2, 3, 3], 8, shape, fitting(10), tokens(1000));
    for (const p of passes) expect(fitting(10)(shape(p.items))).toBe(true);
    expect(passes.flatMap((p) => p.positions).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lengthsOf(passes)).toEqual([[9], [5, 4], [3, 3, 2]]);
  });
});

describe('microBatches', () => {
  const config = parseConfig(JSON.stringify({
    architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 128, intermediate_size: 384, num_hidden_layers: 4,
    num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 100, max_position_embeddings: 512, rms_norm_eps: 1e-6,
  }), 'config.json');
  /** A model that fits at most `tokens` padded tokens per pass (only fits(), config and the adapter are read). */
  const modelFitting = (tokens: number) => ({
    config,
    fits: (B: number, T: number) => B * T <= tokens,
    rt: { gpu: { limits: { maxStorageBufferBindingSize: tokens * 4 }, info: { isSoftware: true } } },
  }) as unknown as TrainableModel;

  it('names an example too long to fit even alone', () => {
    expect(() => microBatches(modelFitting(10), [4, 12], 8, shape)).toThrow(/one example of 13 tokens does not fit on this GPU/);
  });

  it('on a software adapter, splits a curriculum-like batch of tiny-math rows; a GPU, where passes cost more, into fewer passes', () => {
    const lengths = [304, 120, 96, 250, 180, 60, 144, 200, 90, 110, 300, 75, 130, 160, 220, 88];
    const soft = microBatches(modelFitting(1e6), lengths, 16, shape);
    expect(soft.length).toBeGreaterThan(2);
    const padded = (passes: { items: number[] }[]) => passes.reduce((s, p) => s + p.items.length * Math.max(...p.items), 0);
    expect(padded(soft)).toBeLessThan(0.75 * 16 * 304);
    expect(passCostFor(config, false).perPass).toBeGreaterThan(passCostFor(config, true).perPass);
    const gpuModel = { ...modelFitting(1e6), rt: { gpu: { limits: { maxStorageBufferBindingSize: 4e6 }, info: { isSoftware: false } } } } as unknown as TrainableModel;
    expect(microBatches(gpuModel, lengths, 16, shape).length).toBeLessThan(soft.length);
  });
});
