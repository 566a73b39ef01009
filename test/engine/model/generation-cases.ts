// Generation checks shared by the CPU reference decoder and the GPU decoder: each runs them on its own
// Decoder over the same tiny model, with the reference model's logits as ground truth for greedy decoding.
import { expect, it } from 'vitest';
import type { Decoder } from '../../../src/engine/model/decoder.ts';
import { generateBatch, type GenerationContext } from '../../../src/engine/model/generate.ts';
import { argmax } from '../../../src/engine/model/sampler.ts';
import { referenceForward, type ReferenceWeights } from '../../../src/engine/reference/model.ts';

export interface GenerationFixture {
  decoder: Decoder;
  weights: ReferenceWeights;
  decode(ids: number[]): string;
}

/** Greedy continuation of `prompt` by the reference model, recomputed from scratch at every step. */
export function referenceGreedy(weights: ReferenceWeights, prompt: number[], steps: number): number[] {
  const V = weights.config.vocabSize;
  const seq = prompt.slice();
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { logits } = referenceForward(weights, seq);
    const next = argmax(logits.subarray((seq.length - 1) * V));
    out.push(next);
    seq.push(next);
  }
  return out;
}

export const PROMPTS = [[1, 40, 41, 42, 43, 44, 45], [1, 60], [1, 70, 71, 72]];

export function generationCases(fixture: () => Promise<GenerationFixture>): void {
  const ctx = async (eos: number[] = []): Promise<GenerationContext> => {
    const f = await fixture();
    return { decoder: f.decoder, eosTokenIds: eos, decode: f.decode };
  };

  it('greedy decoding equals the argmax of the reference, for a batch of prompts of different lengths', async () => {
    const f = await fixture();
    const steps = 6;
    const out = await generateBatch(await ctx(), PROMPTS, { temperature: 0, maxNewTokens: steps, n: 2 });
    PROMPTS.forEach((p, i) => {
      const expected = referenceGreedy(f.weights, p, steps);
      for (const g of out[i]) {
        expect(g.tokens).toEqual(expected);
        expect(g.finishReason).toBe('length');
        expect(g.text).toBe(f.decode(expected));
      }
    });
  });

  it('same seed gives the same tokens; another seed gives others; a row does not depend on its batch', async () => {
    const c = await ctx();
    const opts = { temperature: 1.0, maxNewTokens: 8, n: 3 };
    const a = await generateBatch(c, PROMPTS, { ...opts, seed: 11 });
    const b = await generateBatch(c, PROMPTS, { ...opts, seed: 11 });
    const other = await generateBatch(c, PROMPTS, { ...opts, seed: 12 });
    expect(b.map((r) => r.map((g) => g.tokens))).toEqual(a.map((r) => r.map((g) => g.tokens)));
    expect(other.map((r) => r.map((g) => g.tokens))).not.toEqual(a.map((r) => r.map((g) => g.tokens)));
    // samples of one prompt differ from each other
    expect(new Set(a[0].map((g) => g.tokens.join(','))).size).toBeGreaterThan(1);
    // prompt 0 alone, same seed: the same samples as inside the batch
    const alone = await generateBatch(c, [PROMPTS[0]], { ...opts, seed: 11 });
    expect(alone[0].map((g) => g.tokens)).toEqual(a[0].map((g) => g.tokens));
  });

  it('stops at EOS (finish "eos", EOS kept in tokens, not in text) while other rows go on', async () => {
    const f = await fixture();
    const greedy = PROMPTS.map((p) => referenceGreedy(f.weights, p, 6));
    const eos = greedy[0][2]; // prompt 0 emits it at its third step
    const out = await generateBatch(await ctx([eos]), PROMPTS, { temperature: 0, maxNewTokens: 6 });
    expect(out[0][0]).toEqual({ text: f.decode(greedy[0].slice(0, 2)), tokens: greedy[0].slice(0, 3), finishReason: 'eos' });
    PROMPTS.forEach((_, i) => {
      const cut = greedy[i].indexOf(eos);
      const expected = cut >= 0 ? greedy[i].slice(0, cut + 1) : greedy[i];
      expect(out[i][0].tokens).toEqual(expected);
      expect(out[i][0].finishReason).toBe(cut >= 0 ? 'eos' : 'length');
    });
  });

  it('cuts the output at a stop string found in the decoded text', async () => {
    const f = await fixture();
    const greedy = referenceGreedy(f.weights, PROMPTS[2], 8);
    const text = f.decode(greedy);
    const stop = text.slice(3, 5); // two characters the model writes at steps 4-5
    const out = await generateBatch(await ctx(), [PROMPTS[2]], { temperature: 0, maxNewTokens: 8, stop: [stop] });
    const g = out[0][0];
    expect(g.finishReason).toBe('stop');
    expect(g.text).toBe(text.slice(0, text.indexOf(stop)));
    expect(g.tokens).toEqual(greedy.slice(0, g.tokens.length));
    expect(f.decode(g.tokens)).toContain(stop);
  });

  it('splits rows over several sessions when memory allows fewer rows, with the same results', async () => {
    const c = await ctx();
    const opts = { temperature: 0.9, maxNewTokens: 5, n: 3, seed: 8 };
    const whole = await generateBatch(c, PROMPTS, opts);
    for (const limit of [1, 2, 4, 7]) {
      // the same decoder, reporting room for only `limit` rows per session
      const limited: Decoder = Object.assign(Object.create(c.decoder) as Decoder, { maxRows: () => limit });
      const parts = await generateBatch({ ...c, decoder: limited }, PROMPTS, opts);
      expect(parts).toEqual(whole);
    }
  });

  it('honours max tokens and reports progress', async () => {
    const steps: { step: number; active: number }[] = [];
    const out = await generateBatch(await ctx(), PROMPTS, { temperature: 0.7, maxNewTokens: 3, n: 2, seed: 5 }, (p) => steps.push(p));
    for (const row of out) for (const g of row) {
      expect(g.tokens.length).toBe(3);
      expect(g.finishReason).toBe('length');
    }
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2]);
    expect(steps[steps.length - 1].active).toBe(0);
  });
}
