// A finished (or paused) run's artifacts as plain files next to its store (Node): the DPO pairs of each iteration in
// TRL's format (DIR/pairs/iter-N.jsonl) and each iteration's adapter as a PEFT folder (DIR/adapters/iter-N/).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pairsToTrlJsonl } from './pairs.ts';
import type { PairsOutput } from './runner.ts';
import type { RunStore } from './store.ts';

export async function writeRunArtifacts(store: RunStore, runId: string, out: string): Promise<void> {
  const keys = await store.keys(runId);
  for (const key of keys) {
    const m = /^iter-(\d+)\/(pairs|adapter)$/.exec(key);
    if (!m) continue;
    if (m[2] === 'pairs') {
      const pairs = await store.get<PairsOutput>(runId, key);
      await mkdir(join(out, 'pairs'), { recursive: true });
      await writeFile(join(out, 'pairs', `iter-${m[1]}.jsonl`), pairsToTrlJsonl(pairs?.pairs ?? []));
    } else {
      const weights = await store.get<Uint8Array>(runId, key);
      const config = await store.get<string>(runId, `iter-${m[1]}/adapter-config`);
      if (!weights || config === undefined) continue;
      const dir = join(out, 'adapters', `iter-${m[1]}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'adapter_model.safetensors'), weights);
      await writeFile(join(dir, 'adapter_config.json'), config);
    }
  }
}
