// One-click experiments. Each is a list of arms (one config each) run one after another with the same budget;
// a preset with several arms fills the Compare panel.
import { defaultConfig, parseConfig, type ConfigInput, type ExperimentConfig } from '../loop/config.ts';

export interface Preset {
  id: 'quick-demo' | 'compare-samplers' | 'when-does-sai-help';
  title: string;
  /** what it does and roughly how long it takes, for the button's description */
  description: string;
  arms: { label: string; config: ExperimentConfig }[];
}

/**
 * Small enough that one iteration takes about a minute on a laptop's integrated GPU and a few minutes on a
 * software adapter: a 300-problem pool, 16 probed problems × 4 answers, 16 drawn problems × 4 answers, one
 * epoch, 32 held-out problems. Answers keep the default length cap: a shorter one cuts tiny-math's solutions (66
 * tokens on average) and no pair could form.
 */
const QUICK: ConfigInput = {
  // one iteration: the demo's question is what the first round of SAI-DPO does, and whether it beats random sampling
  name: 'quick demo',
  iterations: 1,
  pool: { count: 300 },
  heldOut: { count: 32 },
  clusters: { kMin: 4, kMax: 8 },
  probe: { minCount: 16, fraction: 0.01, answers: 4 },
  sampler: { problems: 16 },
  pairs: { answers: 4 },
  budget: { mode: 'problems' },
  train: { epochs: 1, batchSize: 4, microBatch: 4 },
};

function merge(base: ConfigInput, patch: ConfigInput): ExperimentConfig {
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    out[key] = typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ...(out[key] as object | undefined), ...value }
      : value;
  }
  return parseConfig(out);
}

/** The presets, built on `base` (the form's current model and data choices carry over). */
export function presets(base: ExperimentConfig = defaultConfig()): Preset[] {
  const model = { path: base.model.path, dtype: base.model.dtype };
  const quick = (patch: ConfigInput): ExperimentConfig => merge({ ...QUICK, model }, patch);
  return [
    {
      id: 'quick-demo',
      title: 'Quick demo',
      description: 'One iteration of SAI-DPO on a small curriculum pool, then random sampling with the same budget to compare: about a minute each on a laptop GPU.',
      arms: ['sai', 'random'].map((sampler) => ({ label: sampler, config: quick({ name: `quick demo (${sampler})`, sampler: { name: sampler as 'sai' } }) })),
    },
    {
      id: 'compare-samplers',
      title: 'Compare samplers',
      description: 'SAI-DPO against random sampling, 3 seeds each, 2 iterations, the same budget: six quick runs.',
      arms: ['sai', 'random'].flatMap((sampler) => [1, 2, 3].map((seed) => ({
        label: `${sampler} seed ${seed}`,
        config: quick({ name: `compare ${sampler} seed ${seed}`, seed, sampler: { name: sampler as 'sai' } }),
      }))),
    },
    {
      id: 'when-does-sai-help',
      title: 'When does SAI help?',
      description: 'SAI-DPO and random sampling on the imbalanced pool (mostly mastered skills) and on the balanced one.',
      arms: (['imbalanced', 'balanced'] as const).flatMap((mix) => ['sai', 'random'].map((sampler) => ({
        label: `${sampler}, ${mix} pool`,
        config: quick({ name: `${mix} ${sampler}`, pool: { mix }, sampler: { name: sampler as 'sai' } }),
      }))),
    },
  ];
}
