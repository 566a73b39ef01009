// Node only: a WebGPU adapter through the `webgpu` package (Dawn). Finds one by itself:
// first whatever Vulkan driver the system offers (a real GPU, or lavapipe when installed system-wide),
// then the software drivers our set-up installs (scripts/install-system.sh), by pointing the
// Vulkan loader at their ICD files. A user never sets environment variables by hand.
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { NoAdapterError } from './gpu.ts';

/** Vulkan ICD files to try, in order of preference, when the loader finds nothing by itself. */
const ICD_CANDIDATES = [
  '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
  '/usr/share/vulkan/icd.d/nvidia_icd.json',
  '/usr/share/vulkan/icd.d/lvp_icd.json', // lavapipe (Mesa >= 25 from bookworm-backports)
  '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
  '/usr/lib/chromium/vk_swiftshader_icd.json', // SwiftShader, shipped with Debian's chromium
];

// Dawn's instances must outlive their adapters and devices: keep them here (a collected instance hangs the process).
const instances: GPU[] = [];

export async function requestNodeAdapter(
  powerPreference: GPUPowerPreference, candidates: readonly string[] = ICD_CANDIDATES,
): Promise<{ adapter: GPUAdapter; source: string }> {
  Object.assign(globalThis, globals);
  quietMesaWarning();
  const tried: string[] = [];
  const fromSystem = await tryInstance(powerPreference);
  if (fromSystem) return { adapter: fromSystem, source: 'webgpu (Dawn), system Vulkan driver' };
  tried.push('the system Vulkan drivers');
  const userChoice = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  for (const icd of candidates) {
    if (!existsSync(icd) || icd === userChoice) continue;
    process.env.VK_ICD_FILENAMES = icd;
    process.env.VK_DRIVER_FILES = icd;
    const adapter = await tryInstance(powerPreference);
    if (adapter) return { adapter, source: `webgpu (Dawn), ${icd}` };
    tried.push(icd);
  }
  if (userChoice === undefined) {
    delete process.env.VK_ICD_FILENAMES;
    delete process.env.VK_DRIVER_FILES;
  }
  throw new NoAdapterError(
    `No WebGPU adapter found (tried ${tried.join(', ')}). Install a Vulkan driver: on Debian 12 run ` +
      '`sudo bash scripts/install-system.sh` (Mesa 25 lavapipe from bookworm-backports, and chromium which ships SwiftShader); ' +
      'or use `--device cpu` for the TypeScript reference.',
  );
}

async function tryInstance(powerPreference: GPUPowerPreference): Promise<GPUAdapter | null> {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (adapter) instances.push(gpu);
  return adapter;
}

/**
 * Dawn's Node binding waits for the GPU (mapAsync, onSubmittedWorkDone) by polling in a setImmediate loop, which
 * keeps the JavaScript thread running flat out until the work is done. On a software adapter that thread takes a
 * core from the adapter's own threads (lavapipe runs one per core): on 2 cores, batch-64 decoding of tiny-math ran
 * at 1100–2000 tokens/s (wall clock) with the loop and 1800–3400 without it. Dawn looks the global setImmediate up
 * for every poll, passing an unnamed native function; those polls are moved to setTimeout(…, 0), so the event loop
 * sleeps about a millisecond between them. Everything else still gets the real setImmediate.
 */
export function pollDawnByTimer(): void {
  const immediate = globalThis.setImmediate as typeof setImmediate & { [pollsByTimer]?: true };
  if (immediate[pollsByTimer]) return;
  const real = immediate as (callback: (...args: unknown[]) => void, ...args: unknown[]) => NodeJS.Immediate;
  const polite = function (this: unknown, callback: (...args: unknown[]) => void, ...args: unknown[]) {
    if (args.length === 0 && isUnnamedNative(callback)) return setTimeout(callback, 0) as unknown as NodeJS.Immediate;
    return real.call(this, callback, ...args);
  };
  // keeps setImmediate's own properties (util.promisify.custom, what timers/promises builds on)
  Object.defineProperties(polite, Object.getOwnPropertyDescriptors(immediate));
  globalThis.setImmediate = Object.assign(polite, { [pollsByTimer]: true as const }) as unknown as typeof setImmediate;
}

const pollsByTimer = Symbol('sai-dpo: Dawn polls by timer');

/** Functions created by native code without a name (N-API callbacks such as Dawn's poll); bound functions are named. */
export function isUnnamedNative(f: unknown): boolean {
  return typeof f === 'function' && f.name === '' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));
}

/** Mesa warns when XDG_RUNTIME_DIR is unset; give it a private folder. */
function quietMesaWarning(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `sai-dpo-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  process.env.XDG_RUNTIME_DIR = dir;
}
