import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalTrainer, parseCheckpoint, type Checkpoint } from '../../src/backends/external-trainer.ts';
import { dpoConfig, openRlhfScript, peftTargets, shellQuote, TRL_SCRIPT } from '../../src/backends/trl-export.ts';
import type { DpoPair, TrainSettings } from '../../src/loop/trainer.ts';

const SETTINGS: TrainSettings = { beta: 0.1, learningRate: 5e-6, epochs: 2, batchSize: 16, loraRank: 16, loraAlpha: 32, loraTargets: ['q_proj', 'v', 'o_proj'], seed: 3 };
const PAIRS: DpoPair[] = [
  { problemId: 'p/1', prompt: 'Question: 2 + 2?\nAnswer:', chosen: ' The answer is \\boxed{4}.', rejected: ' The answer is \\boxed{5}.' },
  { problemId: 'p/1', prompt: 'Question: 2 + 2?\nAnswer:', chosen: ' 4', rejected: ' 22' },
  { problemId: 'p/2', prompt: 'Question: "quoted" \u00e9?\nAnswer:', chosen: ' yes', rejected: ' no' },
];

describe('external trainer (TRL / OpenRLHF hand-off)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'external-trainer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes TRL-format pairs, the problems, a config, the TRL script and the OpenRLHF script, then waits for CHECKPOINT', async () => {
    const seen: { checkpoint: Checkpoint; iteration: number }[] = [];
    const logs: string[] = [];
    const trainer = new ExternalTrainer({ dir, base: { path: '/models/base', model: 'base' }, pollMs: 20, log: (l) => logs.push(l), onCheckpoint: (checkpoint, iteration) => void seen.push({ checkpoint, iteration }) });
    trainer.noteSampledProblems(1, [{ id: 'p/1' }, { id: 'p/2' }, { id: 'p/3', prompt: 'Question: no pair here' }]);
    const steps: number[] = [];
    const training = trainer.train(1, PAIRS, SETTINGS, (m) => steps.push(m.step));
    const iterDir = join(dir, 'iter-1');
    // the hand-off folder is complete before the checkpoint arrives
    await waitFor(() => existsSync(join(iterDir, 'README.md')));
    const lines = readFileSync(join(iterDir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(PAIRS.map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected })));
    const problems = readFileSync(join(iterDir, 'problems.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(problems.map((p) => [p.id, p.pairs])).toEqual([['p/1', 2], ['p/2', 1], ['p/3', 0]]);
    const config = JSON.parse(readFileSync(join(iterDir, 'dpo_config.json'), 'utf8'));
    expect(config).toMatchObject({ model_name_or_path: '/models/base', beta: 0.1, learning_rate: 5e-6, num_train_epochs: 2, global_batch_size: 16, seed: 3, train_file: 'train.jsonl', checkpoint_file: 'CHECKPOINT' });
    expect(config.lora).toEqual({ r: 16, lora_alpha: 32, lora_dropout: 0.05, target_modules: ['q_proj', 'v_proj', 'o_proj'] });
    expect(statSync(join(iterDir, 'train_dpo.py')).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(iterDir, 'openrlhf.sh'), 'utf8')).toContain('--pretrain /models/base');
    expect(logs.join('\n')).toContain(`waiting for ${join(iterDir, 'CHECKPOINT')}`);
    // TRL's log history, as the script writes it, then the checkpoint file
    writeFileSync(join(iterDir, 'metrics.jsonl'), ['{"loss": 0.69, "rewards/chosen": 0.0, "rewards/margins": 0.0, "epoch": 0.5, "step": 1}', '{"loss": 0.61, "rewards/chosen": 0.1, "rewards/margins": 0.2, "epoch": 1.0, "step": 2}'].join('\n') + '\n');
    mkdirSync(join(dir, 'merged-1'));
    writeFileSync(join(iterDir, 'CHECKPOINT'), JSON.stringify({ path: join(dir, 'merged-1') }));
    const result = await training;
    expect(result.steps.map((s) => [s.step, s.loss, s['rewards/margins']])).toEqual([[1, 0.69, 0], [2, 0.61, 0.2]]);
    expect(steps).toEqual([1, 2]);
    expect(seen).toEqual([{ checkpoint: { path: join(dir, 'merged-1') }, iteration: 1 }]);
    // the next iteration trains from the new checkpoint: the previous iterate is its reference
    const second = trainer.train(2, PAIRS, SETTINGS);
    await waitFor(() => existsSync(join(dir, 'iter-2', 'dpo_config.json')));
    expect(JSON.parse(readFileSync(join(dir, 'iter-2', 'dpo_config.json'), 'utf8')).model_name_or_path).toBe(join(dir, 'merged-1'));
    writeFileSync(join(dir, 'iter-2', 'CHECKPOINT'), 'served-iter-2\n');
    await second;
    expect(seen[1]).toEqual({ checkpoint: { model: 'served-iter-2' }, iteration: 2 });
  });

  it('takes a checkpoint given on the command line, and a resumed run does not wait again for a recorded iteration', async () => {
    mkdirSync(join(dir, 'ckpt'));
    const seen: Checkpoint[] = [];
    const first = new ExternalTrainer({ dir, base: { model: 'base' }, checkpoint: join(dir, 'ckpt'), pollMs: 10, onCheckpoint: (c) => void seen.push(c) });
    await first.train(1, PAIRS, SETTINGS);
    expect(seen).toEqual([{ path: join(dir, 'ckpt') }]);
    expect(JSON.parse(readFileSync(join(dir, 'iter-1', 'CHECKPOINT'), 'utf8'))).toEqual({ path: join(dir, 'ckpt') });
    const resumed = new ExternalTrainer({ dir, base: { model: 'base' }, pollMs: 10, waitTimeoutMs: 50, onCheckpoint: (c) => void seen.push(c) });
    expect(resumed.policyAfter(1)).toEqual({ path: join(dir, 'ckpt') });
    await resumed.train(1, PAIRS, SETTINGS);
    expect(seen).toHaveLength(2);
    await expect(resumed.train(2, PAIRS, SETTINGS)).rejects.toThrow(/iteration 2: no checkpoint in .*CHECKPOINT after 0 s; train, write the file, then run again with --resume/);
  });

  it('skips waiting when an iteration has no pairs, and stops waiting on abort', async () => {
    const controller = new AbortController();
    const trainer = new ExternalTrainer({ dir, base: { model: 'base' }, pollMs: 10, signal: controller.signal });
    expect(await trainer.train(1, [], SETTINGS)).toEqual({ steps: [] });
    expect(readFileSync(join(dir, 'iter-1', 'train.jsonl'), 'utf8')).toBe('');
    const waiting = trainer.train(2, PAIRS, SETTINGS);
    setTimeout(() => controller.abort(new Error('interrupted')), 30);
    await expect(waiting).rejects.toThrow('interrupted');
  });

  it('reads checkpoints as JSON or one line, and names what is wrong', () => {
    expect(parseCheckpoint('{"model": "m", "path": "/x"}', 'f')).toEqual({ model: 'm', path: '/x' });
    expect(parseCheckpoint(`${dir}\n`, 'f')).toEqual({ path: dir });
    expect(parseCheckpoint('Qwen/Qwen2.5-7B-iter-3', 'f')).toEqual({ model: 'Qwen/Qwen2.5-7B-iter-3' });
    expect(() => parseCheckpoint('  ', 'CHECKPOINT')).toThrow('CHECKPOINT is empty');
    expect(() => parseCheckpoint('{"path": 3}', 'CHECKPOINT')).toThrow('field "path" must be a non-empty string');
    expect(() => parseCheckpoint('{"other": "x"}', 'CHECKPOINT')).toThrow('needs a "path" or a "model" field');
  });

  it('exports settings faithfully: PEFT target names, shell quoting, the OpenRLHF flags and a TRL script that reads them', () => {
    expect(peftTargets(['q', 'k_proj', 'gate', 'lm_head'])).toEqual(['q_proj', 'k_proj', 'gate_proj', 'lm_head']);
    expect(shellQuote("/data/it's here")).toBe(`'/data/it'\\''s here'`);
    const settings = { ...SETTINGS, modelPath: '/models/my model' };
    const script = openRlhfScript(settings, '/runs/a/iter-1');
    for (const flag of ["--pretrain '/models/my model'", '--dataset /runs/a/iter-1/train.jsonl', '--beta 0.1', '--learning_rate 0.000005', '--max_epochs 2', '--lora_rank 16', '--lora_alpha 32', '--target_modules q_proj v_proj o_proj', '--train_batch_size 16', '--seed 3']) {
      expect(script).toContain(flag);
    }
    const config = dpoConfig(settings, 4);
    // every config key the script reads exists
    const read = [...TRL_SCRIPT.matchAll(/cfg\["([a-z_]+)"\]/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(10);
    for (const key of read) expect(config).toHaveProperty(key);
    for (const key of [...TRL_SCRIPT.matchAll(/lora\["([a-z_]+)"\]/g)].map((m) => m[1])) expect(config.lora).toHaveProperty(key);
    expect(TRL_SCRIPT).toContain('ref_model=None');
    expect(TRL_SCRIPT).toContain('merge_and_unload()');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
