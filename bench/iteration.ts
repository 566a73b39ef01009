// One SAI-DPO iteration of the default experiment (src/loop/config.ts) on this machine's adapter, stage by stage:
// probe, difficulty, sample, pairs, train (DPO with LoRA), held-out evaluation, and the whole iteration. The setup
// stages (pool, tags, embeddings, clusters) are timed too. The bundled tiny-math model when its weights are there,
// else tiny-random (untrained: its answers are noise, so few pairs form and training is short).
// Quick mode: a 300-problem pool, 60 held-out problems, 192 generations.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/loop/config.ts';
import type { LoopEvent } from '../src/loop/events.ts';
import { modelFolder, nodeEnvironment } from '../src/loop/node-environment.ts';
import { LoopRunner } from '../src/loop/runner.ts';
import { FolderStore } from '../src/store/folder-store.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['sai-dpo iteration'];

async function bundledModel(): Promise<string> {
  return access(join(modelFolder('tiny-math'), 'model.safetensors')).then(() => 'tiny-math', () => 'tiny-random');
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const model = await bundledModel();
  const config = parseConfig({
    iterations: 1,
    model: { path: model },
    eval: { atStart: false },
    // the balanced mix needs no model card tiers
    pool: { mix: 'balanced', ...(ctx.quick ? { count: 300 } : {}) },
    ...(ctx.quick ? { heldOut: { count: 60 }, budget: { generations: 192 }, probe: { minCount: 8 } } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), 'sai-dpo-iteration-bench-'));
  const seconds = new Map<string, number>();
  const summaries = new Map<string, Record<string, unknown>>();
  try {
    const listen = (e: LoopEvent) => {
      if (e.type === 'stage-done') {
        seconds.set(e.stage, e.seconds);
        summaries.set(e.stage, e.summary);
      }
    };
    const runner = await LoopRunner.open(nodeEnvironment({ store: new FolderStore(dir) }), 'bench', config, listen);
    try {
      await runner.run();
    } finally {
      await runner.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const note = `${model}, ${config.pool.count} problems, ${config.budget.generations} generations, ${config.heldOut.count} held-out`;
  const stages = ['pool', 'tags', 'embeddings', 'clusters', 'probe', 'difficulty', 'sample', 'pairs', 'train', 'eval'];
  const rows: BenchRow[] = stages.map((s) => ({ group: 'sai-dpo iteration', name: s, value: seconds.get(s) ?? NaN, unit: 's', note: s === 'pairs' ? `${summaries.get('pairs')?.pairs} pairs` : s === 'train' ? `${summaries.get('train')?.steps ?? 0} steps` : undefined }));
  const iteration = ['probe', 'difficulty', 'sample', 'pairs', 'train', 'eval'].reduce((a, s) => a + (seconds.get(s) ?? 0), 0);
  rows.push({ group: 'sai-dpo iteration', name: 'one iteration (probe … eval)', value: Number(iteration.toFixed(2)), unit: 's', note });
  return rows;
}
