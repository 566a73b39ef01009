// The Chromium matmul bench must compute the right thing before its speed means anything: in the bench page
// (SwiftShader), our matmul in f32/q8/q4 and onnxruntime-web's WebGPU MatMul against a plain TypeScript matmul;
// then one quick bench run on a tiny shape, checked for well-formed rows (no timing assertions).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { chromiumShapes, groups, openBenchPage, rowsFromReply, type BenchPage } from '../../bench/chromium.ts';

let bench: BenchPage;

beforeAll(async () => {
  bench = await openBenchPage();
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.log(`browser console:\n${bench?.browser.log.join('\n')}`));
});

afterAll(async () => {
  await bench?.close();
});

// f32 sums of at most 64 products of values in [-1, 1): |y| stays below 64 and rounding differences between
// summation orders stay far below 1e-4. q8/q4 are compared with the product of their own dequantized weights,
// so quantization error is not part of the difference.
const TOLERANCE = 1e-4;

describe('Chromium matmul bench page', () => {
  // K = 37 is not a multiple of 4 (our kernel pads x's rows); M = 1 and M = 5 take different tile shapes.
  test.each([
    { M: 5, K: 37, N: 19 },
    { M: 1, K: 64, N: 40 },
  ])('our matmul and onnxruntime-web match a CPU matmul at M=$M K=$K N=$N', async (shape) => {
    const got = await bench.checkMatmul(shape);
    console.log(`adapter ${got.adapter}; max |y| ${got.maxAbsReference.toFixed(3)}; errors: ours ${JSON.stringify(got.ours)}, onnxruntime-web ${got.ort.toExponential(2)} (tolerance ${TOLERANCE})`);
    expect(got.maxAbsReference).toBeGreaterThan(0.5); // a real product, not zeros
    for (const dtype of ['f32', 'q8', 'q4'] as const) expect(got.ours[dtype], dtype).toBeLessThan(TOLERANCE);
    expect(got.ort).toBeLessThan(TOLERANCE);
  });

  test('a quick run on one tiny shape gives a row per weight format with the onnxruntime-web baseline', async () => {
    const reply = await bench.runMatmulBench({ shapes: [{ M: 4, K: 64, N: 32, dtypes: ['f32', 'q8', 'q4'] }], reps: 2 });
    const rows = rowsFromReply(reply);
    expect(rows.map((r) => r.group)).toEqual(groups);
    for (const row of rows) {
      expect(row.name).toBe('M=4 K=64 N=32');
      expect(row.unit).toBe('GFLOP/s');
      expect(Number.isFinite(row.value) && row.value > 0, `${row.group} value ${row.value}`).toBe(true);
      expect(row.baseline?.name).toMatch(/onnxruntime-web/);
      expect(Number.isFinite(row.baseline?.value) && row.baseline!.value > 0, `baseline ${row.baseline?.value}`).toBe(true);
    }
  });

  test('the page fetched nothing from outside its own server (onnxruntime-web runtime included)', () => {
    expect(bench.foreignRequests).toEqual([]);
  });

  test('bad requests fail with a clear message', async () => {
    await expect(bench.runMatmulBench({ shapes: [], reps: 0 })).rejects.toThrow(/reps must be a positive integer/);
  });

  test('quick mode skips only the 1024³ shape', () => {
    const full = chromiumShapes(false).map((s) => `${s.M}x${s.K}x${s.N}`);
    const quick = chromiumShapes(true).map((s) => `${s.M}x${s.K}x${s.N}`);
    expect(full).toContain('1024x1024x1024');
    expect(quick).toEqual(full.filter((s) => s !== '1024x1024x1024'));
  });
});

describe('rowsFromReply', () => {
  test('keeps our rows and says why when onnxruntime-web failed', () => {
    const rows = rowsFromReply({
      adapter: 'test adapter',
      ortVersion: '0.0.0',
      shapes: [{ M: 2, K: 4, N: 8, ours: [{ dtype: 'q4', ms: 0.5 }], ort: { error: 'no adapter' } }],
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].value).toBeCloseTo((2 * 2 * 4 * 8) / (0.5 * 1e6), 6);
    expect(rows[0].baseline).toBeUndefined();
    expect(rows[0].note).toMatch(/onnxruntime-web failed: no adapter/);
  });
});
