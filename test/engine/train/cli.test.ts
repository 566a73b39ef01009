// The training commands as child processes: dpo-grad against PyTorch, dpo-train and sft end to end, bad input.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../src/engine/files/safetensors.ts';
import { cli, jsonLines, ROOT } from '../../helpers/cli.ts';

const FIXTURE = join(ROOT, 'test/fixtures/torch-reference/qwen2-fixture-f32');
const temp = (name: string) => mkdtempSync(join(tmpdir(), `${name}-`));

describe('sai-dpo dpo-grad', () => {
  it('prints the PyTorch loss and rewards and writes the PyTorch gradients', async () => {
    const out = temp('dpo-grad');
    const r = await cli(['dpo-grad', '--model', FIXTURE, '--adapter', join(FIXTURE, 'adapter'), '--pairs', join(FIXTURE, 'pairs.jsonl'), '--out', out, '--beta', '0.1']);
    expect(r.code).toBe(0);
    const [metrics] = jsonLines(r.stdout);
    const expected = JSON.parse(readFileSync(join(FIXTURE, 'dpo_expected.json'), 'utf8'));
    for (const k of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins']) {
      expect(metrics[k] as number).toBeCloseTo(expected[k], 5);
    }
    const got = SafetensorsFile.parse(readFileSync(join(out, 'grads.safetensors')), 'grads.safetensors');
    const want = SafetensorsFile.parse(readFileSync(join(FIXTURE, 'dpo_grads_expected.safetensors')), 'dpo_grads_expected.safetensors');
    const adapter = SafetensorsFile.parse(readFileSync(join(FIXTURE, 'adapter/adapter_model.safetensors')), 'adapter_model.safetensors');
    expect([...got.tensors.keys()].sort()).toEqual([...adapter.tensors.keys()].sort());
    for (const [name, info] of got.tensors) {
      expect(info.shape).toEqual(adapter.tensors.get(name)!.shape);
      const a = got.f32(name);
      const b = want.f32(name);
      const err = Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / b.reduce((s, x) => s + x * x, 0));
      expect(err).toBeLessThan(2e-5); // as dpo-grad.test.ts (measured 1.9e-6)
    }
  });

  it('reports bad pair lines by number, uses the rest, and names an adapter made for another model', async () => {
    const dir = temp('dpo-grad-bad');
    const good = readFileSync(join(FIXTURE, 'pairs.jsonl'), 'utf8').trim().split('\n');
    const bad = [
      good[0],
      '{"prompt_ids": [1, 2], "chosen_ids": [], "rejected_ids": [3]}',
      'not json',
      `{"prompt_ids": [1], "chosen_ids": ${JSON.stringify(new Array(600).fill(5))}, "rejected_ids": [3]}`,
      '{"prompt_ids": [1], "chosen_ids": [99], "rejected_ids": [3]}',
      good[1],
    ];
    writeFileSync(join(dir, 'pairs.jsonl'), bad.join('\n'));
    const r = await cli(['dpo-grad', '--model', FIXTURE, '--adapter', join(FIXTURE, 'adapter'), '--pairs', join(dir, 'pairs.jsonl'), '--out', join(dir, 'out')]);
    expect(r.code).toBe(1); // done, but some lines were bad
    expect(r.stderr).toMatch(/4 lines skipped/);
    expect(r.stderr).toMatch(/line 2: chosen answer is empty/);
    expect(r.stderr).toMatch(/line 3: .*JSON/);
    expect(r.stderr).toMatch(/line 4: .*longer than the context \(512\)/);
    expect(r.stderr).toMatch(/line 5: chosen_ids: token id 99 is outside the vocabulary/);
    expect(jsonLines(r.stdout)).toHaveLength(1);

    // an adapter whose shapes belong to another model
    const other = temp('other-model');
    const config = JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8'));
    writeFileSync(join(other, 'config.json'), JSON.stringify({ ...config, hidden_size: 48, intermediate_size: 64 }));
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(FIXTURE, f), join(other, f));
    const wrong = await cli(['dpo-grad', '--model', other, '--adapter', join(FIXTURE, 'adapter'), '--pairs', join(FIXTURE, 'pairs.jsonl'), '--out', join(dir, 'o2')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/adapter_model\.safetensors: .*lora_A\.weight has shape \[2, 24\] but the model's q_proj takes 48 inputs/);
  });
});

describe('sai-dpo dpo-train and sft', () => {
  it('dpo-train prints TRL-named metrics per step and saves a PEFT adapter that logprobs can load', async () => {
    const out = temp('dpo-train');
    const r = await cli(['dpo-train', '--model', FIXTURE, '--pairs', join(FIXTURE, 'pairs.jsonl'), '--out', out,
      '--rank', '4', '--alpha', '8', '--lr', '0.01', '--epochs', '6', '--batch', '5', '--seed', '2']);
    expect(r.code).toBe(0);
    const steps = jsonLines(r.stdout);
    expect(steps).toHaveLength(6);
    for (const k of ['loss', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected', 'grad_norm', 'learning_rate']) {
      expect(typeof steps[0][k]).toBe('number');
    }
    expect(steps[5].loss as number).toBeLessThan(steps[0].loss as number);
    const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] });
    const scored = await cli(['logprobs', '--model', FIXTURE, '--adapter', out, '--input', join(FIXTURE, 'logprob_inputs.jsonl')]);
    expect(scored.code).toBe(0);
    expect(jsonLines(scored.stdout)).toHaveLength(6);
  });

  it('sft trains a new model from a config alone and saves a folder generate can load', async () => {
    const start = temp('sft-start');
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(FIXTURE, f), join(start, f));
    const data = join(start, 'data.jsonl');
    writeFileSync(data, ['{"prompt": "1+1=", "response": "2!"}', '{"prompt": "2+2=", "response": "4!"}', '{"prompt": "", "response": "x"}'].join('\n'));
    const out = temp('sft-out');
    const r = await cli(['sft', '--model', start, '--data', data, '--out', out, '--epochs', '20', '--batch', '2', '--lr', '0.01']);
    expect(r.code).toBe(1); // trained and saved, but line 3 was skipped
    expect(r.stderr).toMatch(/no weights: starting from random weights \(seed 1\)/);
    expect(r.stderr).toMatch(/line 3: prompt is empty/);
    const steps = jsonLines(r.stdout);
    expect(steps).toHaveLength(20);
    expect(steps[19].loss as number).toBeLessThan(0.5 * (steps[0].loss as number));
    const gen = await cli(['generate', '--model', out, '--prompt', '1+1=', '--n', '1', '--max-tokens', '2', '--temperature', '0']);
    expect(gen.code).toBe(0);
    expect(jsonLines(gen.stdout)[0].text).toBe('2!');
  });
});
