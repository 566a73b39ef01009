// The page's pure parts, in Node: presets are valid configs, the URL round trip, model size from config.json,
// math splitting, the histogram, and the mapping from saved stage outputs to panel data.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, parseConfig } from '../../src/loop/config.ts';
import { parseConfig as parseModelConfig } from '../../src/engine/files/config.ts';
import { presets } from '../../src/app/presets.ts';
import { readUrlConfig, urlWithConfig } from '../../src/app/url-config.ts';
import { modelSize, tooBigReason } from '../../src/app/model-size.ts';
import { splitMath } from '../../src/app/math-segments.ts';
import { heatMapSpec, passRateHistogram } from '../../src/app/charts/specs.ts';
import { compareView, evaluationView, KNOWLEDGE_POINT_FALLBACK, knowledgeMap, pairsView, samplingView } from '../../src/app/run-view.ts';
import type { EvalOutput } from '../../src/loop/stage-outputs.ts';
import { PROJECT_ROOT } from './build-app.ts';

describe('the page’s logic', () => {
  test('every preset arm is a valid config, and arms of a preset differ only in sampler, seed, mix and name', () => {
    for (const preset of presets()) {
      expect(preset.arms.length).toBeGreaterThan(0);
      for (const arm of preset.arms) expect(() => parseConfig(arm.config)).not.toThrow();
    }
    const quick = presets()[0];
    expect(quick.arms.map((a) => a.config.sampler.name)).toEqual(['sai', 'random']);
    expect(quick.arms[0].config.iterations).toBe(1);
  });

  test('the URL keeps only differences, round-trips, keeps the playground’s parameters and names bad ones', () => {
    const config = parseConfig({ sampler: { name: 'random' }, probe: { answers: 6 } });
    const query = urlWithConfig('?prompt=hi&foo=1', config);
    const params = new URLSearchParams(query);
    expect(params.get('sampler.name')).toBe('random');
    expect(params.get('probe.answers')).toBe('6');
    expect(params.get('prompt')).toBe('hi');
    expect(params.has('foo')).toBe(false);
    expect(readUrlConfig(query).config).toEqual(config);
    expect(urlWithConfig('', defaultConfig())).toBe('');
    const bad = readUrlConfig('?probe.answers=0&nonsense=1&prompt=x');
    expect(bad.warnings).toEqual(['probe.answers must be at least 1, got 0', 'nonsense: not a setting of the lab']);
    // an uploaded file (a blob: URL) is not put in a link
    const upload = parseConfig({ pool: { source: 'file', file: 'blob:http://x/1#a.jsonl' } });
    expect(urlWithConfig('', upload)).toBe('');
  });

  test('model size from config.json: the bundled model fits; a 70B Llama is refused naming the buffer limit', () => {
    const tiny = parseModelConfig(readFileSync(join(PROJECT_ROOT, 'public/models/tiny-random/config.json'), 'utf8'));
    const size = modelSize(tiny, 'f32');
    // embeddings 100×64 twice (untied), 2 layers of q,k,v,o + MLP + 2 norms, final norm
    expect(size.parameters).toBe(100 * 64 * 2 + 2 * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 128 + 128) + 64);
    const budget = { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 30 };
    expect(tooBigReason(size, budget)).toBeNull();
    const huge = parseModelConfig(JSON.stringify({ architectures: ['LlamaForCausalLM'], hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80, num_attention_heads: 64, num_key_value_heads: 8, vocab_size: 128256 }));
    expect(tooBigReason(modelSize(huge, 'q4'), budget)).toMatch(/4008 MiB in one GPU buffer, and this device allows at most 1024 MiB/);
  });

  test('math is split from prose by $…$, $$…$$, \\(…\\) and \\[…\\]; escaped and unclosed dollars stay text', () => {
    expect(splitMath('so $x^2$ and \\[y\\] cost \\$5 or $3')).toEqual([
      { kind: 'text', text: 'so ' }, { kind: 'math', tex: 'x^2', display: false }, { kind: 'text', text: ' and ' },
      { kind: 'math', tex: 'y', display: true }, { kind: 'text', text: ' cost \\$5 or $3' },
    ]);
  });

  test('the pass-rate histogram has K+1 bins', () => {
    expect(passRateHistogram([0, 0.25, 0.25, 1], 4)).toEqual({ labels: ['0/4', '1/4', '2/4', '3/4', '4/4'], counts: [1, 2, 0, 0, 1] });
  });

  test('saved outputs become panel data: map highlights, draw shares, pairs with extracted answers, compare intervals', () => {
    const problems = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, question: `q${i}`, answer: String(i), source: 'x' }));
    const clusters = { k: 2, assignments: [0, 0, 1, 1], sizes: [2, 2], projection: [0, 0, 1, 1, 2, 2, 3, 3], embeddingDim: 4, silhouette: null, notes: [] };
    const tags = { tags: [['fractions'], ['fractions'], ['percent'], ['ratio']], given: 4, zeroShot: 0, untagged: 0 };
    const probe = {
      skipped: false, seed: 1, indices: [1, 2], answers: [[], []], generations: 8, accuracy: 0.5,
      probes: [{ id: 'b', cluster: 0, k: 4, correct: 4, passRate: 1 }, { id: 'c', cluster: 1, k: 4, correct: 1, passRate: 0.25 }],
      clusterErrors: [{ cluster: 0, errors: 0, answers: 4 }, { cluster: 1, errors: 3, answers: 4 }],
    } as never;
    const sample = { seed: 1, sampler: 'sai', candidates: [2, 3, 0], used: 2, clusterWeights: null, notes: [] };
    const outputs = { pool: { problems, heldOut: [], notes: [] }, clusters, tags, probe, sample, evals: new Map() };
    const map = knowledgeMap(outputs)!;
    expect(map.clusters.map((c) => c.label)).toEqual(['fractions', 'percent']);
    expect(map.points.filter((p) => p.probeFailed).map((p) => p.id)).toEqual(['c']);
    expect(map.points.filter((p) => p.sampled).map((p) => p.id)).toEqual(['c', 'd']);
    const sampling = samplingView(outputs, 1)!;
    expect(sampling.clusters.map((c) => [c.now, c.random])).toEqual([[0, 0.5], [1, 0.5]]);
    const pairs = pairsView({ ...outputs, pairs: { pairs: [{ problemId: 'c', prompt: 'p', chosen: 'so it is \\boxed{2}', rejected: 'The answer is 7.' }], sampled: 2 } as never }, 1)!;
    expect(pairs.pairs[0]).toMatchObject({ question: 'q2', gold: '2', chosen: { extracted: '2', correct: true }, rejected: { extracted: '7', correct: false } });
    const arm = (sampler: string, seed: number, acc: number) => ({ sampler, seed, arm: sampler, accuracy: new Map([[0, 0.3], [1, acc]]) });
    const compare = compareView([arm('sai', 1, 0.5), arm('sai', 2, 0.6), arm('random', 1, 0.4), arm('random', 2, 0.4)])!;
    expect(compare.series.map((s) => s.label)).toEqual(['sai', 'random']);
    expect(compare.series[0].points[1].mean).toBeCloseTo(0.55);
    expect(compare.series[0].points[1].low).toBeLessThan(0.55);
    expect(compare.differences).toHaveLength(1);
    expect(compare.differences[0].label).toBe('sai − random');
    expect(compare.differences[0].mean).toBeCloseTo(0.15);
  });
  test('the evaluation heat map has the knowledge clusters as rows, named by their knowledge points; older runs fall back to knowledge points and say so', () => {
    const perKnowledgePoint = { fractions: { accuracy: 0.5, count: 2 }, percent: { accuracy: 0, count: 1 }, ratio: { accuracy: 1, count: 1 } };
    const evalOutput = (accuracy: number, perCluster: EvalOutput['perCluster']): EvalOutput =>
      ({ accuracy, passAtK: null, perKnowledgePoint, perCluster, meanSteps: 1, meanTokens: 5, correct: [1, 0, 0, 1] });
    const clustered = new Map([
      [0, evalOutput(0.5, { 0: { accuracy: 0.5, count: 2, knowledgePoints: ['fractions'] }, 2: { accuracy: 0.5, count: 2, knowledgePoints: ['number-theory.gcd', 'ratio'] } })],
      [1, evalOutput(0.75, { 0: { accuracy: 1, count: 2, knowledgePoints: ['fractions'] }, 2: { accuracy: 0.5, count: 2, knowledgePoints: ['number-theory.gcd', 'ratio'] } })],
    ]);
    const view = evaluationView(clustered)!;
    expect(view.rowKind).toBe('cluster');
    expect(view.note).toBeUndefined();
    expect(view.clusters).toEqual([{ cluster: 0, label: 'fractions', count: 2 }, { cluster: 2, label: 'number theory: gcd, ratio', count: 2 }]);
    expect(view.iterations.map((i) => [i.iteration, i.accuracy, i.perCluster])).toEqual([[0, 0.5, [0.5, 0.5]], [1, 0.75, [1, 0.5]]]);
    const spec = heatMapSpec(view) as unknown as { options: { scales: { y: { labels: string[]; title: { text: string } } } } };
    expect(spec.options.scales.y.labels).toEqual(['1: fractions', '3: number theory: gcd, ratio']);
    expect(spec.options.scales.y.title.text).toBe('cluster');
    // an evaluation saved before held-out clusters (no perCluster) leaves its cells empty in a clustered run
    const mixed = evaluationView(new Map([[0, evalOutput(0.5, undefined)], [1, clustered.get(1)!]]))!;
    expect(mixed.iterations.map((i) => i.perCluster)).toEqual([[null, null], [1, 0.5]]);
    // a run with no per-cluster accuracy anywhere: knowledge points, most common first, and the caption says why
    for (const old of [undefined, null]) {
      const saved = evalOutput(0.5, old);
      if (old === undefined) delete saved.perCluster; // saved before the field existed
      const fallback = evaluationView(new Map([[0, saved]]))!;
      expect(fallback.rowKind).toBe('knowledge point');
      expect(fallback.note).toBe(KNOWLEDGE_POINT_FALLBACK);
      expect(fallback.clusters.map((c) => c.label)).toEqual(['fractions', 'percent', 'ratio']);
      expect(fallback.iterations[0].perCluster).toEqual([0.5, 0, 1]);
    }
  });
});
