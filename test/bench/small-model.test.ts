// The tiny-math bench's arithmetic and data, without timing anything: its FLOP count agrees with the products it
// times, the PyTorch comparison's batches are the curriculum's variable-length problems, its rows are well formed,
// and (where Debian's python3-torch is installed) the PyTorch side trains on a job and reports what it ran.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/engine/files/config.ts';
import { forwardMatmuls, smallModelRows, stepFlops, type SmallModelReport } from '../../bench/small-model-core.ts';
import { TINY_MATH_CONFIG } from '../../bench/small-model.ts';
import { blasChoices, comparisonData, torchMissing } from '../../bench/torch-compare.ts';

const configText = readFileSync(TINY_MATH_CONFIG, 'utf8');
const config = parseConfig(configText, 'tiny-math');

describe('tiny-math bench', () => {
  test('a step\'s FLOPs: forward = the timed products + attention; full training 3x, LoRA 2x the linear part', () => {
    const [B, T, M] = [16, 127, 16 * 80];
    const products = forwardMatmuls(config, B * T, M).reduce((s, p) => s + p.count * 2 * p.M * p.K * p.N, 0);
    const attention = config.numLayers * 2 * B * T * T * config.numHeads * config.headDim;
    expect(stepFlops(config, B, T, M, 'full')).toBe(3 * products + 3 * attention);
    expect(stepFlops(config, B, T, M, 'lora')).toBe(2 * products + 3 * attention);
    // tiny-math's linear weights: 4 layers of q, k, v, o, gate, up, down, and the head
    expect(products).toBe(2 * B * T * 4 * (128 * 128 + 2 * 128 * 64 + 128 * 128 + 3 * 128 * 384) + 2 * M * 128 * 102);
  });

  test('the PyTorch comparison trains on curriculum problems of varied lengths, the same batches each time', () => {
    const data = comparisonData(2, 11);
    expect(data.sft).toHaveLength(3);
    expect(data.dpo).toHaveLength(3);
    for (const batch of data.sft) expect(batch).toHaveLength(16);
    for (const batch of data.dpo) expect(batch).toHaveLength(8);
    const lengths = new Set(data.sft.flat().map((e) => e.prompt.length + e.response.length));
    expect(lengths.size).toBeGreaterThan(10);
    for (const e of data.sft.flat()) {
      expect(e.prompt[0]).toBe(1); // <s>
      expect(e.response[e.response.length - 1]).toBe(2); // </s>
      for (const t of [...e.prompt, ...e.response]) expect(t >= 0 && t < config.vocabSize && t !== 3).toBe(true); // no <unk>
    }
    for (const p of data.dpo.flat()) expect(p.chosen).not.toEqual(p.rejected);
    expect(comparisonData(2, 11)).toEqual(data);
  });

  test('rows of a report: ratio rows with their baselines, dispatch counts, the clock named', () => {
    const step = { seconds: 2, flops: 4e9, tokens: 2032, targets: 1280, matmulGflops: 4, counts: { dispatches: 250, submits: 5, reads: 2 }, shape: '16×127 tokens' };
    const report: SmallModelReport = {
      adapter: 'test adapter', model: 'h128', lora: step, full: step,
      decode: {
        batch: 64, tokensPerSecond: 500, matmulLimit: 1000, matmulGflops: 3, counts: { dispatches: 68, submits: 1, reads: 1 }, readBytes: 256, steps: 11,
        cpuSampling: { tokensPerSecond: 400, counts: { dispatches: 67, submits: 1, reads: 1 }, readBytes: 26112 },
      },
    };
    const rows = smallModelRows(report, 'Node, lavapipe', true);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ group: 'tiny-math scale (Node, lavapipe)', value: 2, unit: 'GFLOP/CPU-s', baseline: { value: 4 } });
    expect(rows[1]).toMatchObject({ value: 250, unit: 'dispatches' });
    expect(rows[4]).toMatchObject({ value: 500, unit: 'tokens/CPU-s', baseline: { value: 1000 } });
    expect(rows[5]).toMatchObject({ value: 400, unit: 'tokens/CPU-s', baseline: { value: 1000 } });
    expect(rows[5].note).toContain('26100 bytes read back per decode step');
    expect(rows[6].value).toBeCloseTo(68 / 64, 2);
    expect(rows[6].note).toContain('256 bytes read back per decode step');
    expect(smallModelRows(report, 'Chromium, SwiftShader')[0].unit).toBe('GFLOP/s');
  });

  test.skipIf(torchMissing() !== null)('the PyTorch side trains SFT and DPO on a job and reports seconds and tokens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'torch-job-'));
    try {
      const data = comparisonData(1, 3);
      const strip = <T extends { line: number }>(rows: T[][]) => rows.map((b) => b.slice(0, 2).map(({ line: _line, ...rest }) => rest));
      const job = join(dir, 'job.json');
      writeFileSync(job, JSON.stringify({ config: JSON.parse(configText), threads: 1, sft: strip(data.sft), dpo: strip(data.dpo) }));
      // once per BLAS the bench would compare against, each loaded as chosen
      for (const blas of blasChoices()) {
        const env = blas.libraryPath ? { ...process.env, LD_LIBRARY_PATH: blas.libraryPath } : process.env;
        const out = JSON.parse(execFileSync('/usr/bin/python3', ['scripts/bench-torch/train_tiny.py', job], { encoding: 'utf8', timeout: 600_000, env }).trim().split('\n').pop()!);
        const tokens = (b: typeof data.sft[number]) => b.slice(0, 2).reduce((s, e) => s + e.response.length, 0);
        expect(out.sft).toMatchObject({ steps: 1, response_tokens: tokens(data.sft[1]) });
        expect(out.dpo).toMatchObject({ steps: 1, response_tokens: data.dpo[1].slice(0, 2).reduce((s, p) => s + p.chosen.length + p.rejected.length, 0) });
        expect(out.sft.seconds).toBeGreaterThan(0);
        expect(out.dpo.cpu_seconds).toBeGreaterThan(0);
        if (blas.name.startsWith('reference')) expect(out.blas).toMatch(/^reference BLAS \(.*\/blas\/libblas\.so/);
        if (blas.name.startsWith('OpenBLAS')) expect(out.blas).toMatch(/^OpenBLAS \(.*openblas/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
