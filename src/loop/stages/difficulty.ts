// Self-aware difficulty of every pool problem from this iteration's probe (src/difficulty), saved column-wise.
import { difficultyTable, type DifficultyEntry } from '../../difficulty/difficulty.ts';
import type { ClustersOutput, DifficultyOutput, PoolOutput, ProbeOutput } from '../stage-outputs.ts';
import { round, type StageContext, type StageResult } from './context.ts';

export async function difficultyStage(ctx: StageContext): Promise<StageResult> {
  const probe = await ctx.load<ProbeOutput>(`iter-${ctx.ref.iteration}/probe`);
  if (probe.skipped) {
    const value: DifficultyOutput = { skipped: true, passRate: [], steps: [], tokens: [], score: [], estimated: [] };
    return { value, summary: { skipped: true } };
  }
  const pool = await ctx.load<PoolOutput>('pool');
  const clusters = await ctx.load<ClustersOutput>('clusters');
  const points = pool.problems.map((p, j) => ({ id: p.id, cluster: clusters.assignments[j] }));
  const data = await ctx.embeddings();
  const table = difficultyTable(points, probe.probes, data, data.length / points.length, ctx.config.difficulty);
  const value: DifficultyOutput = {
    skipped: false,
    passRate: table.map((e) => round(e.passRate)),
    steps: table.map((e) => round(e.steps, 2)),
    tokens: table.map((e) => round(e.tokens, 1)),
    score: table.map((e) => round(e.score)),
    estimated: table.map((e) => e.estimated),
  };
  const meanPass = table.reduce((s, e) => s + e.passRate, 0) / table.length;
  const frontier = table.filter((e) => e.passRate > 0 && e.passRate < 1).length;
  return { value, summary: { skipped: false, meanPassRate: round(meanPass), frontier } };
}

/** The saved table back as entries (null when the iteration did not probe). */
export function difficultyEntries(d: DifficultyOutput, pool: PoolOutput, clusters: ClustersOutput): DifficultyEntry[] | null {
  if (d.skipped) return null;
  return pool.problems.map((p, j) => ({
    id: p.id, cluster: clusters.assignments[j], estimated: d.estimated[j], passRate: d.passRate[j], steps: d.steps[j], tokens: d.tokens[j], score: d.score[j],
  }));
}
