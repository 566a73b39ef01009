// tiny-math, the lab's built-in model: our engine reads the same numbers from it as the PyTorch model it was
// trained as, and `sai-dpo eval` reproduces the check its model card records.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeSource } from '../../src/engine/files/source.ts';
import { loadModel } from '../../src/engine/model/index.ts';
import { evaluate } from '../../src/eval/evaluate.ts';
import { evalProblems, SYNTHETIC } from '../../src/eval/problems.ts';
import { loadPolicy } from '../../src/loop/engine-backend.ts';
import { testRuntime } from '../helpers/gpu.ts';

const DIR = 'public/models/tiny-math';
const expected = JSON.parse(readFileSync('test/fixtures/tiny-math/logprob_expected.json', 'utf8')) as {
  items: { prompt_ids: number[]; response_ids: number[]; logprob: number; tokens: number }[];
};
const card = JSON.parse(readFileSync(`${DIR}/eval_results.json`, 'utf8')) as {
  evals: { maxLevel: number; reproduce: { n: number; seed: number } };
  reproduce: { correct: number[] };
};

describe('tiny-math', () => {
  it('is at most 10 MB on disk', () => {
    const bytes = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors', 'README.md']
      .reduce((sum, f) => sum + readFileSync(`${DIR}/${f}`).length, 0);
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
  });

  it("gives PyTorch's log-probs on held-out problems", async () => {
    const model = await loadModel(nodeSource(DIR), { runtime: await testRuntime() });
    try {
      const got = await model.logprobs(expected.items.map((it) => ({ promptIds: it.prompt_ids, responseIds: it.response_ids })));
      // The error per response token: the model is confident, so its log-prob sums are near 0 and a relative error
      // would measure f32 rounding of the logits (|logit| ~ 10-30) against a tiny sum.
      let worst = 0;
      for (const [i, it] of expected.items.entries()) {
        expect(got[i].tokens).toBe(it.tokens);
        worst = Math.max(worst, Math.abs(got[i].logprob - it.logprob) / it.tokens);
      }
      console.log(`tiny-math log-probs vs PyTorch: max error per token ${worst.toExponential(2)} over ${expected.items.length} problems`);
      // measured on lavapipe (sums over 28-93 tokens): 1.9e-7 with the workgroup kernels, 7.4e-7 with the software
      // adapters' one-thread-per-row RMSNorm and log-softmax (other summation orders). Both are below one ulp of a
      // logit of magnitude 16 (1.9e-6), the bound; a wrong index, scale or missing term shows up at 1e-3 or more.
      expect(worst).toBeLessThan(1.9e-6);
    } finally {
      model.dispose();
    }
  });

  it("reproduces the model card's check with the eval code", async () => {
    const { n, seed } = card.evals.reproduce;
    const policy = await loadPolicy(nodeSource(DIR), { runtime: await testRuntime() });
    const result = await evaluate(policy.backend, await evalProblems(SYNTHETIC, n, seed, { maxLevel: card.evals.maxLevel }), { seed });
    expect(result.items.map((it) => it.correct)).toEqual(card.reproduce.correct);
  });
});
