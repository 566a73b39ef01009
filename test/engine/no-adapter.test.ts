// With no usable Vulkan driver, the Node adapter search fails with a message that says what to install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

describe('no WebGPU adapter', () => {
  it('names what to install', () => {
    const script = join(mkdtempSync(join(tmpdir(), 'no-adapter-')), 'probe.mts');
    writeFileSync(script, `
      import { requestNodeAdapter } from '${join(ROOT, 'src/engine/gpu-node.ts')}';
      requestNodeAdapter('high-performance', []).then(() => console.log('found'), (e) => console.log(e.name + ': ' + e.message));
    `);
    // a loader pointed at a driver file that does not exist finds nothing, and no other driver is tried
    const out = execFileSync('node', [join(ROOT, 'bin/run-ts.mjs'), script], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(out).toMatch(/^NoAdapterError: No WebGPU adapter found \(tried the system Vulkan drivers\)/);
    expect(out).toMatch(/sudo bash scripts\/install-system\.sh/);
    expect(out).toMatch(/--device cpu/);
  });
});
