// Loads the PyTorch reference fixture (test/fixtures/torch-reference) into ReferenceWeights.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPeftAdapter } from '../../../src/engine/files/adapter.ts';
import { readCheckpoint } from '../../../src/engine/files/checkpoint.ts';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { nodeSource } from '../../../src/engine/files/node-source.ts';
import { SafetensorsFile } from '../../../src/engine/files/safetensors.ts';
import type { ReferenceWeights } from '../../../src/engine/reference/model.ts';

export const FIXTURE_ROOT = join(import.meta.dirname, '../../fixtures/torch-reference');
export type FixtureName = 'qwen2-fixture-f32' | 'qwen2-fixture-bf16' | 'llama-untied-f32';

/** Every tensor of a safetensors file as f32, by name. */
export function readSafetensors(path: string): Map<string, Float32Array> {
  const file = SafetensorsFile.parse(new Uint8Array(readFileSync(path)), path);
  return new Map([...file.tensors.keys()].map((name) => [name, file.f32(name)]));
}

function readJson<T>(fixture: FixtureName, file: string): T {
  return JSON.parse(readFileSync(join(FIXTURE_ROOT, fixture, file), 'utf8')) as T;
}

function readJsonl<T>(fixture: FixtureName, file: string): T[] {
  return readFileSync(join(FIXTURE_ROOT, fixture, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

/** The fixture model (with its adapter attached when it has one), read through the project's checkpoint and PEFT readers. */
export async function loadFixtureWeights(fixture: FixtureName): Promise<ReferenceWeights> {
  const dir = join(FIXTURE_ROOT, fixture);
  const configPath = join(dir, 'config.json');
  const config = parseConfig(readFileSync(configPath, 'utf8'), configPath);
  const tensors = new Map<string, Float32Array>();
  for await (const t of readCheckpoint(nodeSource(dir), undefined, { config })) tensors.set(t.name, t.data);
  const lora = existsSync(join(dir, 'adapter')) ? await readPeftAdapter(nodeSource(join(dir, 'adapter')), config) : undefined;
  return { config, tensors, lora };
}

export const fixtureLogprobInputs = (f: FixtureName) => readJsonl<{ prompt_ids: number[]; response_ids: number[] }>(f, 'logprob_inputs.jsonl');
export const fixturePairs = (f: FixtureName) => readJsonl<{ prompt_ids: number[]; chosen_ids: number[]; rejected_ids: number[] }>(f, 'pairs.jsonl');
export const fixtureJson = <T>(f: FixtureName, file: string) => readJson<T>(f, file);
export const fixtureGrads = (f: FixtureName) => readSafetensors(join(FIXTURE_ROOT, f, 'dpo_grads_expected.safetensors'));

/** Full-parameter SFT on the Llama fixture: examples, the expected gradients and the three AdamW steps. */
export const fixtureSftExamples = (f: FixtureName) => readJsonl<{ prompt_ids: number[]; response_ids: number[] }>(f, 'sft_examples.jsonl');
export const fixtureSafetensors = (f: FixtureName, file: string) => readSafetensors(join(FIXTURE_ROOT, f, file));
export interface SftExpected {
  loss: number;
  tokens: number;
  adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number; max_grad_norm: number; steps: number };
  steps: { loss: number; grad_norm: number }[];
}

/** ‖got − want‖ / ‖want‖ */
export function relativeNormError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < want.length; i++) {
    diff += (got[i] - want[i]) ** 2;
    norm += want[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
