// The `logprobs` and `generate` commands as child processes, on the PyTorch fixture and a tiny model.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../../helpers/cli.ts';
import { eosFirstEdit, writeTinyModel } from '../../helpers/tiny-model.ts';

const FIXTURE = join(ROOT, 'test/fixtures/torch-reference/qwen2-fixture-f32');

const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));

async function expectedLogprobs(file: string): Promise<number[]> {
  return JSON.parse(await readFile(join(FIXTURE, file), 'utf8'));
}

describe('sai-dpo logprobs', () => {
  for (const device of ['gpu', 'cpu'] as const) {
    it(`prints the PyTorch log-probs of the fixture (${device}, with and without the adapter)`, async () => {
      const input = join(FIXTURE, 'logprob_inputs.jsonl');
      const plain = await cli(['logprobs', '--model', FIXTURE, '--input', input, '--device', device, '--batch', '4']);
      expect(plain.stderr).not.toMatch(/sai-dpo/); // Dawn may print its own warnings
      expect(plain.code).toBe(0);
      const withAdapter = await cli(['logprobs', '--model', FIXTURE, '--input', input, '--device', device, '--adapter', join(FIXTURE, 'adapter')]);
      expect(withAdapter.code).toBe(0);
      const inputs = (await readFile(input, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      for (const [out, file] of [[plain.stdout, 'logprob_expected.json'], [withAdapter.stdout, 'logprob_expected_adapter.json']] as const) {
        const got = lines(out);
        const expected = await expectedLogprobs(file);
        expect(got.length).toBe(expected.length);
        got.forEach((g, i) => {
          expect(g.tokens).toBe(inputs[i].response_ids.length);
          expect(Math.abs(g.logprob - expected[i]) / Math.abs(expected[i])).toBeLessThan(2e-6); // as gpu-model.test.ts
        });
      }
    });
  }

  it('reports malformed lines in place and exits 1; text lines are tokenized', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-lp-'));
    const input = join(dir, 'in.jsonl');
    await writeFile(input, [
      '{"prompt_ids":[4,19],"response_ids":[41,7]}',
      '{"prompt_ids":[4,19],"response_ids":[99]}',
      'not json',
      '{"prompt":"ab","response":"c"}',
      '{"prompt_ids":[],"response_ids":[1]}',
    ].join('\n') + '\n');
    const r = await cli(['logprobs', '--model', FIXTURE, '--input', input, '--device', 'cpu']);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out.length).toBe(5);
    expect(out[0].tokens).toBe(2);
    expect(out[0].logprob).toBeLessThan(0);
    expect(out[1].error).toMatch(/^line 2: response_ids\[0\] is 99/);
    expect(out[2].error).toMatch(/^line 3: not valid JSON/);
    expect(out[3].tokens).toBeGreaterThan(0);
    expect(out[4].error).toMatch(/^line 5: prompt_ids must not be empty/);
  });

  it('names a missing option', async () => {
    const r = await cli(['logprobs', '--model', FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input is required/);
  });
});

describe('sai-dpo generate', () => {
  it('prints n seeded samples as JSON lines; greedy samples agree across devices', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-gen-'));
    await writeTinyModel(dir, { arch: 'qwen2', hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 48, seed: 9 });
    const args = ['generate', '--model', dir, '--prompt', 'Q: 1+1=', '--n', '3', '--max-tokens', '5', '--seed', '4'];
    const a = await cli(args);
    expect(a.stderr).not.toMatch(/sai-dpo/);
    expect(a.code).toBe(0);
    const samples = lines(a.stdout);
    expect(samples.length).toBe(3);
    for (const s of samples) {
      expect(typeof s.text).toBe('string');
      expect(s.tokens).toBeGreaterThan(0);
      expect(s.tokens).toBeLessThanOrEqual(5);
      expect(['eos', 'stop', 'length']).toContain(s.finish);
    }
    expect(lines((await cli(args)).stdout)).toEqual(samples);
    const greedy = (device: string) => cli(['generate', '--model', dir, '--prompt', 'Q: 1+1=', '--n', '1', '--max-tokens', '5', '--temperature', '0', '--device', device]);
    expect(lines((await greedy('gpu')).stdout)).toEqual(lines((await greedy('cpu')).stdout));
  });

  it('an empty completion (EOS first) is a valid result, greedy or sampled, on both devices', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-gen-eos-'));
    await writeTinyModel(dir, { arch: 'llama', hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32, tie: false, seed: 2, edit: eosFirstEdit });
    for (const device of ['cpu', 'gpu']) {
      for (const temperature of ['0', '0.01']) {
        const r = await cli(['generate', '--model', dir, '--prompt', 'Q: 1+1=', '--n', '2', '--max-tokens', '4', '--temperature', temperature, '--device', device]);
        expect(r.stderr).not.toMatch(/sai-dpo/);
        expect(r.code).toBe(0);
        expect(lines(r.stdout)).toEqual([{ text: '', tokens: 1, finish: 'eos' }, { text: '', tokens: 1, finish: 'eos' }]);
      }
    }
  });

  it('rejects a bad option value', async () => {
    const r = await cli(['generate', '--model', FIXTURE, '--prompt', 'x', '--top-p', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--top-p must be a number in \(0, 1\]/);
  });
});
