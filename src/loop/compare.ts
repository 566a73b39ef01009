// The comparison's table: per pool mix and sampler, the final held-out accuracy over seeds as a mean with its 95%
// interval, the paired difference to the baseline sampler (same seeds) with its interval, and each arm's spending
// (generations, pairs, pair yield), so "equal budget" can be checked both ways.
import { meanInterval, pairedDifference, type Interval } from './stats.ts';

export interface ArmResult {
  mix: string;
  sampler: string;
  seed: number;
  /** held-out accuracy after the last iteration */
  finalAccuracy: number;
  /** held-out accuracy before training (iteration 0), when evaluated */
  startAccuracy: number | null;
  /** answers generated over all iterations, probe included (evaluation excluded) */
  generations: number;
  probeGenerations: number;
  /** DPO pairs trained on over all iterations */
  pairs: number;
  /** problems sampled that gave a pair / problems sampled, over all iterations */
  pairYield: number;
  seconds: number;
}

export interface CompareRow {
  mix: string;
  sampler: string;
  accuracy: Interval;
  /** paired difference to the baseline (null for the baseline itself or when it did not run) */
  difference: Interval | null;
  generations: number;
  probeGenerations: number;
  pairs: number;
  pairYield: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function compareRows(results: ArmResult[], baseline = 'random'): CompareRow[] {
  const rows: CompareRow[] = [];
  const mixes = [...new Set(results.map((r) => r.mix))];
  const samplers = [...new Set(results.map((r) => r.sampler))];
  for (const mix of mixes) {
    const bySeed = (sampler: string) => new Map(results.filter((r) => r.mix === mix && r.sampler === sampler).map((r) => [String(r.seed), r.finalAccuracy]));
    const base = bySeed(baseline);
    for (const sampler of samplers) {
      const arms = results.filter((r) => r.mix === mix && r.sampler === sampler);
      if (arms.length === 0) continue;
      rows.push({
        mix,
        sampler,
        accuracy: meanInterval(arms.map((r) => r.finalAccuracy)),
        difference: sampler === baseline || base.size === 0 ? null : pairedDifference(bySeed(sampler), base),
        generations: mean(arms.map((r) => r.generations)),
        probeGenerations: mean(arms.map((r) => r.probeGenerations)),
        pairs: mean(arms.map((r) => r.pairs)),
        pairYield: mean(arms.map((r) => r.pairYield)),
      });
    }
  }
  return rows;
}

function pct(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : '–';
}

function interval(i: Interval, signed = false): string {
  const m = Number.isFinite(i.mean) ? `${signed && i.mean >= 0 ? '+' : ''}${pct(i.mean)}` : '–';
  return Number.isFinite(i.low) ? `${m} [${signed && i.low >= 0 ? '+' : ''}${pct(i.low)}, ${signed && i.high >= 0 ? '+' : ''}${pct(i.high)}]` : m;
}

/** A Markdown table (accuracies in percent). */
export function formatCompareTable(rows: CompareRow[], baseline = 'random'): string {
  const lines = [
    `| pool mix | sampler | seeds | final held-out accuracy, % (95% CI) | vs ${baseline}, points (95% CI, paired) | generations | of which probe | pairs | pair yield |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.mix} | ${r.sampler} | ${r.accuracy.n} | ${interval(r.accuracy)} | ${r.difference ? interval(r.difference, true) : '–'} | ${Math.round(r.generations)} | ${Math.round(r.probeGenerations)} | ${r.pairs.toFixed(1)} | ${pct(r.pairYield)}% |`);
  }
  return lines.join('\n') + '\n';
}
