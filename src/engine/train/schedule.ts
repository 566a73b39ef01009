// Learning-rate schedules, as functions of the optimizer step (0-based), shaped like Hugging Face's
// get_{constant,linear,cosine}_schedule_with_warmup, except that warm-up starts at lr/warmup rather than 0
// (so no step is spent with a zero learning rate).

export const SCHEDULE_NAMES = ['constant', 'linear', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface Schedule {
  name: ScheduleName;
  /** peak learning rate */
  lr: number;
  /** steps of linear warm-up from 0 to lr */
  warmupSteps: number;
  /** total steps (for linear and cosine decay to 0) */
  totalSteps: number;
}

export function learningRate(s: Schedule, step: number): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (s.name === 'constant') return s.lr;
  const decaySteps = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / decaySteps);
  if (s.name === 'linear') return s.lr * (1 - progress);
  return s.lr * 0.5 * (1 + Math.cos(Math.PI * progress));
}
