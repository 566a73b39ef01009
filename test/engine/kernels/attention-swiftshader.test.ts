// The attention kernels chosen on SwiftShader (the browser's software adapter; the other tests run on lavapipe)
// match the references: run in a child process whose Vulkan loader sees only SwiftShader's driver.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'; // installed with chromium (scripts/install-system.sh)

describe.skipIf(!existsSync(ICD))('attention on SwiftShader', () => {
  it('chooses the products kernels for self-attention (not for a short prefill into a long cache, nor past the memory cap), and they match the references', () => {
    const out = execFileSync('node', [join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'test/engine/kernels/attention-swiftshader.ts')], {
      env: { ...process.env, VK_ICD_FILENAMES: ICD, VK_DRIVER_FILES: ICD }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 240_000,
    });
    const report = JSON.parse(out.trim().split('\n').pop()!);
    console.log(JSON.stringify(report));
    expect(report.adapter).toMatch(/swiftshader/i);
    for (const r of report.results) {
      expect([r.forward, r.backward]).toEqual(['products', 'products']);
      for (const e of Object.values(r.err)) expect(e).toBeLessThan(1e-5);
    }
    expect(report.elsewhere).toEqual(['thread-per-row', 'thread-per-row']);
  }, 300_000);
});
