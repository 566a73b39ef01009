// A tiny experiment for the loop's tests: a tiny model that has seen the pool's answer format (a seeded random
// model, test/helpers/tiny-model.ts, trained briefly with full-parameter SFT on "Answer: X", so its answers are
// sometimes right and pairs form), a pool of one-digit-answer problems in three knowledge points, and a config with
// budgets small enough for this slow machine. The trained model is kept in the system's temporary folder and reused.
import { access, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFolderFiles, readFullWeights } from '../../src/engine/train/weights-io.ts';
import { nodeSource } from '../../src/engine/files/source.ts';
import { parseSftExamples } from '../../src/engine/train/examples.ts';
import { loadTrainable } from '../../src/engine/train/load.ts';
import { runTrainingLoop } from '../../src/engine/train/loop.ts';
import { accumulateSftGradients } from '../../src/engine/train/sft.ts';
import type { ConfigInput } from '../../src/loop/config.ts';
import { writeTinyModel } from '../helpers/tiny-model.ts';

const MODEL_VERSION = 'sai-dpo-loop-test-model-v1';

/** The SFT'd tiny model's folder (built once, about 30 s here, then reused). */
export async function tinyAnsweringModel(): Promise<string> {
  const dir = join(tmpdir(), MODEL_VERSION);
  if (await access(join(dir, 'model.safetensors')).then(() => true, () => false)) return dir;
  const work = await mkdtemp(join(tmpdir(), 'sai-dpo-model-'));
  try {
    await writeTinyModel(join(work, 'base'), { arch: 'llama', hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64, seed: 11 });
    const rows = tinyProblems({ count: 48 }).map((p) => JSON.stringify({ prompt: `${p.question}\n`, completion: `Answer: ${p.answer}` })).join('\n');
    const source = nodeSource(join(work, 'base'));
    const { model, config, tokenizer } = await loadTrainable(source, { mode: 'full', randomInitSeed: 11 });
    try {
      const { items } = parseSftExamples(rows, { tokenizer, maxTokens: config.maxPositionEmbeddings, vocabSize: config.vocabSize });
      await runTrainingLoop(model, items, { lr: 1e-2, epochs: 25, batch: 16, microBatch: 16, seed: 1 }, (batch) => accumulateSftGradients(model, batch, 16));
      await mkdir(join(work, 'out'));
      for (const [file, bytes] of modelFolderFiles(config, await readFullWeights(model))) await writeFile(join(work, 'out', file), bytes);
      for (const file of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) await cp(join(work, 'base', file), join(work, 'out', file));
    } finally {
      model.rt.gpu.destroy();
    }
    await rename(join(work, 'out'), dir).catch(() => {}); // another test process may have finished first
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const POINTS = ['arithmetic.addition', 'arithmetic.subtraction', 'arithmetic.multiplication'];

export interface TinyProblemOptions {
  count: number;
  /** "digit": answers 0..9; "impossible": answers no text can match */
  answers?: 'digit' | 'impossible';
  tags?: boolean;
  offset?: number;
}

function tinyProblems(options: TinyProblemOptions) {
  return tinyProblemsJsonl(options).trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string });
}

export function tinyProblemsJsonl(options: TinyProblemOptions): string {
  const lines: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const n = i + (options.offset ?? 0);
    const a = n % 7;
    const b = (n * 3) % 5;
    const kp = n % 3;
    const answer = options.answers === 'impossible' ? 'never-this-answer' : String([a + b, Math.abs(a - b), a * b][kp] % 10);
    lines.push(JSON.stringify({
      id: `p${n}`,
      question: `${a} ${['+', '-', '*'][kp]} ${b} (last digit)`,
      answer,
      ...(options.tags === false ? {} : { knowledge_points: [POINTS[kp]] }),
      level: 1 + (n % 3),
    }));
  }
  return lines.join('\n') + '\n';
}

/** Writes the model and the problem files under `dir`; returns a config that runs them. */
export async function tinyExperiment(dir: string, pool: TinyProblemOptions = { count: 48 }, overrides: ConfigInput = {}): Promise<ConfigInput> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pool.jsonl'), tinyProblemsJsonl(pool));
  await writeFile(join(dir, 'held-out.jsonl'), tinyProblemsJsonl({ count: 12, offset: 1000, answers: pool.answers, tags: pool.tags }));
  const base: ConfigInput = {
    seed: 3,
    iterations: 2,
    model: { path: await tinyAnsweringModel() },
    pool: { source: 'file', file: join(dir, 'pool.jsonl') },
    heldOut: { source: 'file', file: join(dir, 'held-out.jsonl'), count: 12 },
    clusters: { k: 3 },
    probe: { minCount: 6, answers: 6, maxNewTokens: 12, temperature: 1 },
    pairs: { answers: 6, maxNewTokens: 12, temperature: 1 },
    budget: { mode: 'problems' },
    sampler: { problems: 16 },
    train: { batchSize: 4, microBatch: 4, epochs: 1, loraRank: 4, learningRate: 1e-3 },
    eval: { maxNewTokens: 12 },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    merged[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...(base as Record<string, object>)[k], ...v } : v;
  }
  return merged as ConfigInput;
}
