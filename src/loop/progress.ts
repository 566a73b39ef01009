// Fraction done and ETA for the whole run: every stage has an expected cost in "units" (answers to generate,
// pairs × epochs to train, a small constant for the rest); the run's pace (seconds per unit, measured on the units
// done in this session) turns the units left into seconds.
import type { ExperimentConfig } from './config.ts';
import type { StageRef } from './events.ts';

const SETUP_UNITS = 20;

export function expectedUnits(config: ExperimentConfig, ref: StageRef, probeSize: number): number {
  switch (ref.stage) {
    case 'probe':
      return probeSize * config.probe.answers;
    case 'pairs':
      return config.budget.mode === 'equal-generations' ? config.budget.generations : config.sampler.problems * config.pairs.answers;
    case 'train':
      return config.budget.pairs * config.train.epochs * 2;
    case 'eval':
      return config.heldOut.count * config.eval.samples;
    default:
      return SETUP_UNITS;
  }
}

export class RunProgress {
  private unitsDone = 0;
  private secondsSpent = 0;

  constructor(private readonly total: number, private doneBefore: number) {}

  /** A stage's units finished in `seconds`. */
  finish(units: number, seconds: number): void {
    this.unitsDone += units;
    this.secondsSpent += seconds;
    this.doneBefore += units;
  }

  /** Whole-run fraction when `partial` units of the current stage are done. */
  fraction(partial: number): number {
    return Math.min(1, (this.doneBefore + partial) / Math.max(1, this.total));
  }

  /** Seconds left in the run, from the pace of the units done in this session (and of the stage in progress). */
  eta(partialUnits: number, partialSeconds: number): number | null {
    const units = this.unitsDone + partialUnits;
    const seconds = this.secondsSpent + partialSeconds;
    if (units <= 0 || seconds <= 0) return null;
    return Math.max(0, (this.total - this.doneBefore - partialUnits) * (seconds / units));
  }
}
