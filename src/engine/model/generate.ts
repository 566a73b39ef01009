// Batched generation: every prompt gets `n` samples; all rows decode together, one token per step,
// each with its own seeded RNG (so a row's tokens do not depend on the rest of the batch).
// Rows that finish (EOS, a stop string, max tokens) are dropped from the batch.
// Where the decoder can sample on its device (the GPU model), each step sends the rows' uniforms and reads back
// only the next token ids; the first token of each row (from the prompt's logits) is sampled on the CPU. Both
// follow one rule (reference/sampling.ts), so the tokens are the same either way for the same logits.
import { uniformBits } from '../reference/sampling.ts';
import type { DecodeSession, Decoder } from './decoder.ts';
import { sampleToken, type SamplingOptions } from './sampler.ts';
import { sequenceRng, type Rng } from './rng.ts';
import { findStop } from './stop.ts';

export interface GenerateOptions {
  n?: number;
  maxNewTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  /** sample on the decoder's device when it can, reading back only token ids (default true); false reads back every row's logits and samples on the CPU */
  sampleOnDevice?: boolean;
}

export interface Generation {
  text: string;
  /** generated token ids; ends with the EOS token when finishReason is 'eos', and includes the tokens of a stop string */
  tokens: number[];
  finishReason: 'eos' | 'stop' | 'length';
}

export interface StepProgress {
  step: number;
  active: number;
}

export interface GenerationContext {
  decoder: Decoder;
  eosTokenIds: readonly number[];
  /** token ids → text (special tokens skipped) */
  decode(ids: number[]): string;
}

interface Row {
  prompt: number;
  sample: number;
  rng: Rng;
  tokens: number[];
  result?: Generation;
}

const GENERATE_DEFAULTS = { n: 1, maxNewTokens: 128, temperature: 0.7, topP: 1, seed: 1 } as const;

export async function generateBatch(
  ctx: GenerationContext,
  prompts: number[][],
  options: GenerateOptions = {},
  onStep?: (p: StepProgress) => void,
): Promise<Generation[][]> {
  const { n, maxNewTokens, temperature, topP, seed } = { ...GENERATE_DEFAULTS, ...definedOnly(options) };
  const stops = options.stop ?? [];
  validate(prompts, n, maxNewTokens, ctx.decoder);
  if (!(temperature >= 0)) throw new Error(`temperature must be >= 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`topP must be in (0, 1], got ${topP}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (prompts.length === 0) return [];
  const longest = Math.max(...prompts.map((p) => p.length));
  const newTokens = Math.min(maxNewTokens, ctx.decoder.maxPositions - longest);
  if (newTokens <= 0) throw new Error(`prompt of ${longest} tokens leaves no room under the model's ${ctx.decoder.maxPositions} positions`);

  const rows: Row[] = [];
  for (let p = 0; p < prompts.length; p++) {
    for (let s = 0; s < n; s++) rows.push({ prompt: p, sample: s, rng: sequenceRng(seed, p, s), tokens: [] });
  }
  const sampleOnDevice = options.sampleOnDevice ?? true;
  const run = { ctx, prompts, sampling: { temperature, topP }, sampleOnDevice, stops, newTokens, capacity: longest + newTokens, onStep };
  // sessions of whole prompts (all n samples) as long as they fit; otherwise a prompt's samples in parts
  const perSession = Math.max(1, ctx.decoder.maxRows(run.capacity));
  if (n <= perSession) {
    const promptsPerSession = Math.floor(perSession / n);
    for (let p = 0; p < prompts.length; p += promptsPerSession) {
      await decodeRows(run, rows.slice(p * n, Math.min(prompts.length, p + promptsPerSession) * n), n);
    }
  } else {
    for (let p = 0; p < prompts.length; p++) {
      for (let s = 0; s < n; s += perSession) await decodeRows(run, rows.slice(p * n + s, p * n + Math.min(n, s + perSession)), Math.min(perSession, n - s));
    }
  }
  return prompts.map((_, p) => rows.slice(p * n, (p + 1) * n).map((r) => r.result!));
}

interface Run {
  ctx: GenerationContext;
  prompts: number[][];
  sampling: SamplingOptions;
  sampleOnDevice: boolean;
  stops: string[];
  newTokens: number;
  capacity: number;
  onStep?: (p: StepProgress) => void;
}

/**
 * Decodes `rows` in one session until every row is done. Rows come as consecutive runs of `copies`
 * samples of the same prompt, so each prompt is prefilled once.
 */
async function decodeRows(run: Run, rows: Row[], copies: number): Promise<void> {
  const { ctx, sampling, stops, newTokens } = run;
  const V = ctx.decoder.vocabSize;
  const eos = new Set(ctx.eosTokenIds);
  const promptIds: number[] = [];
  for (let i = 0; i < rows.length; i += copies) promptIds.push(rows[i].prompt);
  const session = await ctx.decoder.start(promptIds.map((p) => run.prompts[p]), copies, run.capacity);
  try {
    let active = rows.slice();
    // before the first step each row's logits are its prompt's
    let nextToken = (i: number, row: Row) => sampleToken(session.promptLogits.subarray(Math.floor(i / copies) * V, (Math.floor(i / copies) + 1) * V), sampling, row.rng.next());
    for (let step = 0; active.length > 0; step++) {
      const next: number[] = [];
      const keep: number[] = [];
      active.forEach((row, i) => {
        const token = nextToken(i, row);
        row.tokens.push(token);
        row.result = finished(row.tokens, eos, stops, newTokens, ctx.decode);
        if (!row.result) {
          keep.push(i);
          next.push(token);
        }
      });
      run.onStep?.({ step, active: keep.length });
      if (keep.length === 0) break;
      if (keep.length < active.length) session.keep(keep);
      active = keep.map((i) => active[i]);
      nextToken = await decodeStep(session, next, active, run);
    }
  } finally {
    session.dispose();
  }
}

/**
 * One decode step: appends `tokens` to the active rows and returns how to get row i's next token. Each row draws one
 * uniform per token from its own RNG, whichever side samples.
 */
async function decodeStep(session: DecodeSession, tokens: number[], active: Row[], run: Run): Promise<(i: number, row: Row) => number> {
  if (run.sampleOnDevice && session.stepAndSample) {
    const uniforms = Uint32Array.from(active, (row) => uniformBits(row.rng.next()));
    const ids = await session.stepAndSample(tokens, run.sampling, uniforms);
    return (i) => ids[i];
  }
  const V = run.ctx.decoder.vocabSize;
  const logits = await session.step(tokens);
  return (i, row) => sampleToken(logits.subarray(i * V, (i + 1) * V), run.sampling, row.rng.next());
}

/** The row's result once it is done, else undefined. */
function finished(
  tokens: number[], eos: Set<number>, stops: readonly string[], maxNew: number, decode: (ids: number[]) => string,
): Generation | undefined {
  const last = tokens[tokens.length - 1];
  if (eos.has(last)) return { text: decode(tokens.slice(0, -1)), tokens: tokens.slice(), finishReason: 'eos' };
  if (stops.length > 0) {
    const text = decode(tokens);
    const at = findStop(text, stops);
    if (at >= 0) return { text: text.slice(0, at), tokens: tokens.slice(), finishReason: 'stop' };
    if (tokens.length >= maxNew) return { text, tokens: tokens.slice(), finishReason: 'length' };
    return undefined;
  }
  if (tokens.length >= maxNew) return { text: decode(tokens), tokens: tokens.slice(), finishReason: 'length' };
  return undefined;
}

function validate(prompts: number[][], n: number, maxNewTokens: number, decoder: Decoder): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}`);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new Error(`maxNewTokens must be a positive integer, got ${maxNewTokens}`);
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new Error(`prompt ${i} is empty`);
    for (const t of p) {
      if (!Number.isInteger(t) || t < 0 || t >= decoder.vocabSize) throw new Error(`prompt ${i}: token id ${t} is outside the vocabulary (0..${decoder.vocabSize - 1})`);
    }
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
