// Seeded sample data in the panels' shapes, for looking at every panel without running the loop (screenshots,
// layout checks). Not results: the numbers are drawn from a seeded generator.
import { Rng } from '../../../src/util/random.ts';
import type {
  CompareData, EvaluationData, KnowledgeMapData, PairsData, ProbeData, SamplingData, TrainingData,
} from '../../../src/app/panel-data.ts';

const LABELS = ['fractions', 'percent', 'linear equations', 'ratio', 'mean', 'order of operations', 'decimals', 'number theory', 'geometry', 'units'];

export function sampleData(seed = 1) {
  const rng = new Rng(seed);
  const clusters = LABELS.map((label, index) => ({ index, label, size: 0 }));
  const centres = clusters.map(() => ({ x: rng.normal() * 4, y: rng.normal() * 3 }));
  const skill = clusters.map(() => rng.next());
  const points = Array.from({ length: 400 }, (_, i) => {
    const cluster = rng.int(0, clusters.length - 1);
    clusters[cluster].size++;
    const difficulty = Math.min(1, Math.max(0, 1 - skill[cluster] + rng.normal() * 0.15));
    return {
      id: `curriculum/${LABELS[cluster]}/${i}`,
      x: centres[cluster].x + rng.normal() * 0.6,
      y: centres[cluster].y + rng.normal() * 0.6,
      cluster,
      question: `What is $\\frac{${rng.int(1, 9)}}{${rng.int(2, 9)}} + \\frac{${rng.int(1, 9)}}{${rng.int(2, 9)}}$? (${LABELS[cluster]} problem ${i})`,
      tags: [LABELS[cluster].replace(/ /g, '-')],
      difficulty,
      probeFailed: rng.chance(0.05) && difficulty > 0.4,
      sampled: rng.chance(0.04 + difficulty * 0.08),
    };
  });
  const map: KnowledgeMapData = { clusters, points };
  const k = 8;
  const perCluster = clusters.map((c) => ({ cluster: c.index, label: c.label, passRate: skill[c.index], probed: 3 + rng.int(0, 3) }));
  const passRates = Array.from({ length: 40 }, () => Math.round(rng.next() * k) / k);
  const answer = (correct: boolean, gold: string) => ({
    text: correct ? `We add the fractions: $\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$.\nThe answer is ${gold}.` : 'Adding tops and bottoms: $\\frac{1+1}{2+3} = \\frac{2}{5}$.\nThe answer is \\frac{2}{5}.',
    extracted: correct ? gold : '\\frac{2}{5}',
    correct,
  });
  const probe: ProbeData = {
    k, probed: 40, perCluster, passRates,
    hardest: [0, 1, 2].map((i) => ({
      id: `hard-${i}`, question: 'What is $\\frac{1}{2} + \\frac{1}{3}$?', gold: '\\frac{5}{6}', cluster: i, passRate: i / k,
      answers: Array.from({ length: 4 }, (_, j) => answer(j < i, '\\frac{5}{6}')),
    })),
  };
  const total = clusters.reduce((s, c) => s + c.size, 0);
  const raw = clusters.map((c) => (1 - skill[c.index]) + 0.05);
  const sum = raw.reduce((a, b) => a + b, 0);
  const sampling: SamplingData = {
    iteration: 2, sampler: 'sai', drawn: 64,
    clusters: clusters.map((c, i) => ({ cluster: c.index, label: c.label, now: raw[i] / sum, previous: (raw[i] / sum + c.size / total) / 2, random: c.size / total })),
  };
  const pairs: PairsData = {
    iteration: 2, sampled: 16,
    pairs: Array.from({ length: 5 }, (_, i) => ({ problemId: `p${i}`, question: 'What is $\\frac{1}{2} + \\frac{1}{3}$?', gold: '\\frac{5}{6}', chosen: answer(true, '\\frac{5}{6}'), rejected: answer(false, '\\frac{5}{6}') })),
  };
  const training: TrainingData = {
    iteration: 2, totalSteps: 24,
    steps: Array.from({ length: 18 }, (_, i) => ({ step: i + 1, loss: 0.693 * Math.exp(-i / 12) + rng.next() * 0.03, margins: i * 0.05 + rng.next() * 0.05, accuracies: Math.min(1, 0.5 + i * 0.03 + rng.next() * 0.1) })),
  };
  const evaluation: EvaluationData = {
    rowKind: 'cluster',
    clusters: clusters.map((c) => ({ cluster: c.index, label: c.label })),
    iterations: [0, 1, 2, 3].map((it) => ({ iteration: it, accuracy: 0.3 + it * 0.04, perCluster: clusters.map((c) => Math.min(1, skill[c.index] + it * 0.05 * (1 - skill[c.index]))) })),
    baseline: [0, 1, 2, 3].map((it) => ({ iteration: it, accuracy: 0.3 + it * 0.02 })),
  };
  const compare: CompareData = {
    series: ['sai', 'random'].map((label, s) => ({
      label, seeds: 3,
      points: [0, 1, 2, 3].map((it) => { const mean = 0.3 + it * (s === 0 ? 0.04 : 0.02); return { iteration: it, mean, low: mean - 0.03, high: mean + 0.03 }; }),
    })),
    differences: [{ label: 'sai − random', seeds: 3, mean: 0.06, low: 0.01, high: 0.11 }],
  };
  return { map, probe, sampling, pairs, training, evaluation, compare };
}
