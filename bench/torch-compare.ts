// What a user would pick instead: PyTorch on the CPU (Debian's python3-torch) training tiny-math's model on the same
// variable-length batches for the same steps as the engine: full-parameter SFT on curriculum problems (16 per step)
// and LoRA DPO (8 pairs per step, the loop's defaults). Reports response tokens/s, ours against PyTorch's measured
// in the same run (goal: ratio ≥ 1 on lavapipe). Skipped with a note when /usr/bin/python3 has no torch.
// PyTorch runs once per BLAS installed (blasChoices): the reference BLAS (libblas3) that `apt install python3-torch`
// brings on a machine with no other BLAS, and OpenBLAS when libopenblas0-openmp (or -pthread) is installed, about
// 6x faster at these steps.
// The Python side: scripts/bench-torch/train_tiny.py (same model, padding, losses, AdamW and clipping).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateCurriculum } from '../src/data/curriculum/index.ts';
import { formatPrompt } from '../src/eval/prompt.ts';
import { parseConfig, type ModelConfig } from '../src/engine/files/config.ts';
import { acquireGpu } from '../src/engine/gpu.ts';
import { AdamW } from '../src/engine/kernels/adamw.ts';
import { GpuModel } from '../src/engine/model/gpu-model.ts';
import { attachLora, uploadCheckpoint } from '../src/engine/model/gpu-weights.ts';
import { Runtime } from '../src/engine/runtime.ts';
import { accumulateDpoGradients, referenceLogps, type ReferenceLogps } from '../src/engine/train/dpo.ts';
import type { DpoPair, SftExample } from '../src/engine/train/examples.ts';
import { initLora } from '../src/engine/train/lora-init.ts';
import { accumulateSftGradients } from '../src/engine/train/sft.ts';
import { TrainableModel, type TrainMode } from '../src/engine/train/trainable.ts';
import { randomWeights } from '../src/engine/train/weights-io.ts';
import { TOKENS } from '../scripts/tiny-math/shape.ts';
import { TINY_MATH_CONFIG } from './small-model.ts';
import type { BenchContext, BenchRow } from './types.ts';

export const groups = ['tiny-math vs PyTorch'];

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../scripts/bench-torch/train_tiny.py');
const SFT_BATCH = 16;
const DPO_PAIRS = 8;
const THREADS = 2;

interface ModeResult {
  seconds: number;
  /** CPU seconds of the whole process (ours: Node with lavapipe's threads in it), user + system */
  cpuSeconds: number;
  responseTokens: number;
  steps: number;
}

/** Why torch cannot run here, or null when it can. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.error) return `${PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} has no torch (install Debian's python3-torch): ${probe.stderr.trim().split('\n').pop()}`;
  return null;
}

const ids = new Map(TOKENS.map((t, i) => [t, i]));
function encode(text: string): number[] {
  return [...text].map((c) => ids.get(c) ?? 3 /* <unk> */);
}

/**
 * Curriculum problems as tiny-math's training data has them (make-data.ts): prompt "<s>" + question + "\n",
 * answer solution + "</s>". `count` of them, in the generator's order.
 */
export function curriculumExamples(count: number, seed: number): { prompt: number[]; response: number[] }[] {
  return generateCurriculum({ seed, count, split: 'train' }).slice(0, count).map((p) => ({
    prompt: [1, ...encode(formatPrompt(p))],
    response: [...encode(p.solution ?? `Answer: ${p.answer}`), 2],
  }));
}

/** `steps` + 1 batches (the first is the warm-up) of SFT examples and of DPO pairs (rejected: another problem's solution). */
export function comparisonData(steps: number, seed: number): { sft: SftExample[][]; dpo: DpoPair[][] } {
  const sftRows = curriculumExamples((steps + 1) * SFT_BATCH, seed);
  const dpoRows = curriculumExamples((steps + 1) * DPO_PAIRS + 1, seed + 1);
  const sft: SftExample[][] = [];
  const dpo: DpoPair[][] = [];
  for (let s = 0; s <= steps; s++) {
    sft.push(sftRows.slice(s * SFT_BATCH, (s + 1) * SFT_BATCH).map((e, i) => ({ line: s * SFT_BATCH + i + 1, ...e })));
    dpo.push(Array.from({ length: DPO_PAIRS }, (_, i) => {
      const k = s * DPO_PAIRS + i;
      return { line: k + 1, prompt: dpoRows[k].prompt, chosen: dpoRows[k].response, rejected: dpoRows[k + 1].response };
    }));
  }
  return { sft, dpo };
}

/** Our side: the batches in order through the optimizer loop's step (zero, accumulate, AdamW, stats, trim); the first untimed. */
async function ours<T>(rt: Runtime, config: ModelConfig, mode: TrainMode, batches: T[][], tokensOf: (b: T[]) => number,
  accumulate: (model: TrainableModel, batch: T[], index: number) => Promise<unknown>, prepare?: (model: TrainableModel) => Promise<void>): Promise<ModeResult> {
  const weights = await uploadCheckpoint(rt, config, 'f32', randomWeights(config, 1));
  if (mode === 'lora') attachLora(rt, config, weights, initLora(config, { r: 8, alpha: 16, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], dropout: 0 }, 1));
  const model = new TrainableModel(rt, config, weights, mode);
  const optimizer = new AdamW(rt, model.parameters.map((p) => p.value));
  try {
    await prepare?.(model);
    const step = async (i: number) => {
      model.zeroGrads();
      await accumulate(model, batches[i], i);
      optimizer.record(model.parameters.map((p) => p.grad), 1e-4);
      await optimizer.readStats();
      rt.trimIdle();
    };
    await step(0);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 1; i < batches.length; i++) await step(i);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, responseTokens: batches.slice(1).reduce((s, b) => s + tokensOf(b), 0), steps: batches.length - 1 };
  } finally {
    optimizer.dispose();
    for (const p of model.parameters) rt.release(p.grad);
    new GpuModel(rt, config, weights).dispose();
    rt.trimPool();
  }
}

interface TorchMode {
  seconds: number;
  cpu_seconds: number;
  response_tokens: number;
  steps: number;
}

/** A BLAS for Debian's torch to run on: its name and the LD_LIBRARY_PATH that makes the loader pick it. */
export interface BlasChoice {
  name: string;
  libraryPath?: string;
}

/**
 * The BLAS libraries installed through Debian's alternatives (reference first, then OpenBLAS), or one run with the
 * loader's own choice where there are no such folders.
 */
export function blasChoices(): BlasChoice[] {
  const arches = existsSync('/usr/lib') ? readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu')) : [];
  for (const arch of arches) {
    const dir = `/usr/lib/${arch}`;
    const choices: BlasChoice[] = [];
    if (existsSync(`${dir}/blas/libblas.so.3`)) {
      choices.push({ name: 'reference BLAS (what apt install python3-torch brings)', libraryPath: [`${dir}/blas`, `${dir}/lapack`].join(':') });
    }
    const openblas = ['openblas-openmp', 'openblas-pthread', 'openblas-serial'].find((d) => existsSync(`${dir}/${d}/libblas.so.3`));
    if (openblas) choices.push({ name: `OpenBLAS (${openblas})`, libraryPath: `${dir}/${openblas}` });
    if (choices.length > 0) return choices;
  }
  return [{ name: 'the BLAS the loader finds' }];
}

async function torch(configText: string, data: { sft: SftExample[][]; dpo: DpoPair[][] }, blas: BlasChoice): Promise<{ sft: ModeResult; dpo: ModeResult; about: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sai-dpo-torch-'));
  try {
    const job = join(dir, 'job.json');
    const strip = <T extends { line: number }>(rows: T[][]) => rows.map((b) => b.map(({ line: _line, ...rest }) => rest));
    writeFileSync(job, JSON.stringify({ config: JSON.parse(configText), seed: 1, threads: THREADS, sft: strip(data.sft), dpo: strip(data.dpo) }));
    const env = blas.libraryPath ? { ...process.env, LD_LIBRARY_PATH: blas.libraryPath } : process.env;
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, job], { timeout: 30 * 60_000, maxBuffer: 1 << 20, env });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
      torch: string; threads: number; blas: string;
      sft: TorchMode; dpo: TorchMode;
    };
    const mode = (m: TorchMode): ModeResult => ({ seconds: m.seconds, cpuSeconds: m.cpu_seconds, responseTokens: m.response_tokens, steps: m.steps });
    return { sft: mode(out.sft), dpo: mode(out.dpo), about: `PyTorch ${out.torch}, ${out.threads} threads, BLAS ${out.blas}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const steps = ctx.quick ? 2 : 6;
  const group = groups[0];
  const missing = torchMissing();
  const configText = readFileSync(TINY_MATH_CONFIG, 'utf8');
  const config = parseConfig(configText, TINY_MATH_CONFIG);
  const data = comparisonData(steps, 11);
  const gpu = await acquireGpu();
  const rt = new Runtime(gpu);
  const adapter = gpu.info.description;
  let sft: ModeResult;
  let dpo: ModeResult;
  try {
    sft = await ours(rt, config, 'full', data.sft, (b) => b.reduce((s, e) => s + e.response.length, 0),
      (model, batch) => accumulateSftGradients(model, batch, SFT_BATCH));
    const references: ReferenceLogps[][] = [];
    dpo = await ours(rt, config, 'lora', data.dpo, (b) => b.reduce((s, p) => s + p.chosen.length + p.rejected.length, 0),
      (model, batch, i) => accumulateDpoGradients(model, batch, references[i], { beta: 0.1, microBatch: DPO_PAIRS }),
      async (model) => {
        for (const batch of data.dpo) references.push(await referenceLogps(model, batch, DPO_PAIRS));
      });
  } finally {
    gpu.destroy();
  }
  // one PyTorch run at a time, after ours: none shares the cores with another
  const baselines: ({ blas: BlasChoice; theirs: Awaited<ReturnType<typeof torch>> } | null)[] = [];
  if (missing === null) for (const blas of blasChoices()) baselines.push({ blas, theirs: await torch(configText, data, blas) });
  else baselines.push(null);
  const rows: BenchRow[] = [];
  const r3 = (x: number) => Number(x.toPrecision(3));
  for (const baseline of baselines) {
    for (const [label, us, them] of [
      [`full-parameter SFT, ${SFT_BATCH} curriculum problems per step`, sft, baseline?.theirs.sft],
      [`LoRA DPO (r 8, q/k/v/o), ${DPO_PAIRS} pairs per step`, dpo, baseline?.theirs.dpo],
    ] as const) {
      // wall clock, and per CPU-second of each process (fairer where other work shares the cores)
      for (const [clock, ours, theirs_] of [
        ['wall clock', us.responseTokens / us.seconds, them ? them.responseTokens / them.seconds : undefined],
        ['per CPU-second', us.responseTokens / us.cpuSeconds, them ? them.responseTokens / them.cpuSeconds : undefined],
      ] as const) {
        rows.push({
          group, name: `${label}, ${us.steps} steps of variable length, ${clock}${baseline ? `, vs PyTorch on ${baseline.blas.name}` : ''}`,
          value: r3(ours), unit: clock === 'wall clock' ? 'response tokens/s' : 'response tokens/CPU-s',
          baseline: theirs_ === undefined ? undefined : { name: `PyTorch CPU, ${THREADS} threads, same batches, ${baseline!.blas.name}`, value: r3(theirs_) },
          note: theirs_ === undefined
            ? `PyTorch not measured: ${missing}`
            : `ours ÷ PyTorch = ${(ours / theirs_).toFixed(2)} (goal ≥ 1.0 on lavapipe); ours ${r3(us.seconds)} s / ${r3(us.cpuSeconds)} CPU-s, PyTorch ${r3(them!.seconds)} s / ${r3(them!.cpuSeconds)} CPU-s for ${us.responseTokens} response tokens; ${baseline!.theirs.about}; adapter ${adapter}`,
        });
      }
    }
  }
  return rows;
}
