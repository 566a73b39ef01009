// sai-dpo eval as a user runs it: one JSON object with the documented keys; reproducible; bad input named.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const MODEL = 'public/models/tiny-math';

describe('sai-dpo eval', () => {
  it('prints accuracy, pass@k, per-knowledge-point accuracy, steps, tokens and seconds; the same seed gives the same numbers', async () => {
    const args = ['eval', '--model', MODEL, '--n', '6', '--k', '2', '--temperature', '0.8', '--seed', '3', '--max-tokens', '60'];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['accuracy', 'pass@k', 'k', 'n', 'per_knowledge_point', 'mean_steps', 'mean_tokens', 'seconds']));
    expect(out.n).toBe(6);
    expect(out.k).toBe(2);
    expect(out['pass@k']).toBeGreaterThanOrEqual(out.accuracy);
    const counts = Object.values(out.per_knowledge_point as Record<string, { count: number }>).map((s) => s.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6);
    const again = JSON.parse((await cli(args)).stdout);
    expect({ ...again, seconds: 0 }).toEqual({ ...out, seconds: 0 });
  });

  it('evaluates a JSONL file, reporting its bad lines by number (exit 1), and refuses k > 1 at temperature 0 (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eval-cli-'));
    const file = join(dir, 'pool.jsonl');
    await writeFile(file, '{"question": "What is 2 + 3?", "answer": "5"}\nnot json\n{"question": "What is 7 - 4?", "answer": "3"}\n');
    const r = await cli(['eval', '--model', MODEL, '--data', file, '--max-tokens', '40']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 2 skipped/);
    expect(JSON.parse(r.stdout).n).toBe(2);
    const usage = await cli(['eval', '--model', MODEL, '--k', '4']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--k above 1 needs --temperature above 0/);
  });
});
