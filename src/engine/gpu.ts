// One way to get a WebGPU device, the same in a page, a worker and Node.
// In the browser it uses navigator.gpu; in Node the `webgpu` package (Dawn), finding a software
// adapter by itself when there is no GPU (see gpu-node.ts).

export interface GpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** true for CPU (software) adapters such as lavapipe/llvmpipe or SwiftShader */
  isSoftware: boolean;
  /** where it came from, e.g. "navigator.gpu" or "webgpu (Dawn), lavapipe ICD" */
  source: string;
}

export interface Gpu {
  device: GPUDevice;
  info: GpuInfo;
  /** the limits actually granted to the device: the adapter's own, not the defaults */
  limits: GPUSupportedLimits;
  /** shader-f16 enabled (WGSL `enable f16;` allowed) */
  f16: boolean;
  /** subgroups enabled (WGSL `enable subgroups;` allowed) */
  subgroups: boolean;
  /** set once the device is lost; every readback fails with DeviceLostError after that */
  lostReason: string | null;
  destroy(): void;
}

/** The device was lost (driver reset, tab in the background too long, destroy()). Re-create it with acquireGpu(). */
export class DeviceLostError extends Error {
  constructor(readonly reason: string) {
    // browsers end their reasons with a period ("Device was destroyed.")
    super(`WebGPU device lost: ${reason.replace(/\.+$/, '')}. Acquire a new device and reload the weights.`);
    this.name = 'DeviceLostError';
  }
}

export class NoAdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAdapterError';
  }
}

/** Limits we ask for at their adapter's maximum instead of WebGPU's small defaults. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxBindGroups',
] as const;

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** turn off optional features, e.g. to test the f32 path on an adapter that has f16 */
  disableF16?: boolean;
  disableSubgroups?: boolean;
}

const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

export async function acquireGpu(options: AcquireOptions = {}): Promise<Gpu> {
  const { adapter, source, onSoftware } = await findAdapter(options.powerPreference ?? 'high-performance');
  const gpu = await openDevice(adapter, source, options);
  if (gpu.info.isSoftware) onSoftware?.();
  return gpu;
}

async function findAdapter(powerPreference: GPUPowerPreference): Promise<{ adapter: GPUAdapter; source: string; onSoftware?: () => void }> {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference });
    if (!adapter) {
      throw new NoAdapterError(
        'This browser exposes WebGPU but returned no adapter. On a machine without a GPU, start Chromium with ' +
          '--enable-unsafe-webgpu (software adapters are blocklisted by default).',
      );
    }
    return { adapter, source: 'navigator.gpu' };
  }
  if (typeof process !== 'undefined' && process.versions?.node) {
    // Kept out of the browser bundle: the specifier is not a literal.
    const nodeModule = './gpu-node.ts';
    const { requestNodeAdapter, pollDawnByTimer } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('./gpu-node.ts');
    // the adapter's threads share the CPU with this one: waits must not spin (pollDawnByTimer)
    return { ...(await requestNodeAdapter(powerPreference)), onSoftware: pollDawnByTimer };
  }
  throw new NoAdapterError('WebGPU is not available here: use a browser with WebGPU (Chrome/Edge 113+) or Node with the `webgpu` package.');
}

async function openDevice(adapter: GPUAdapter, source: string, options: AcquireOptions): Promise<Gpu> {
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const wanted: GPUFeatureName[] = [];
  const f16 = !options.disableF16 && adapter.features.has('shader-f16');
  const subgroups = !options.disableSubgroups && adapter.features.has('subgroups' as GPUFeatureName);
  if (f16) wanted.push('shader-f16');
  if (subgroups) wanted.push('subgroups' as GPUFeatureName);
  if (adapter.features.has('timestamp-query')) wanted.push('timestamp-query');

  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: wanted });
  const raw = adapter.info;
  const description = [raw?.vendor, raw?.architecture, raw?.device, raw?.description].filter(Boolean).join(' ');
  const gpu: Gpu = {
    device,
    info: {
      vendor: raw?.vendor ?? '',
      architecture: raw?.architecture ?? '',
      description: description || source,
      isSoftware: SOFTWARE_PATTERN.test(description) || SOFTWARE_PATTERN.test(source) || (raw as { isFallbackAdapter?: boolean })?.isFallbackAdapter === true,
      source,
    },
    limits: device.limits,
    f16,
    subgroups,
    lostReason: null,
    destroy: () => device.destroy(),
  };
  device.lost.then((info) => {
    gpu.lostReason = info.message || info.reason || 'unknown';
  });
  return gpu;
}

/** Throws DeviceLostError if the device is gone; call before recording work. */
export function assertAlive(gpu: Gpu): void {
  if (gpu.lostReason !== null) throw new DeviceLostError(gpu.lostReason);
}

/**
 * Waits for `promise` (a mapAsync or onSubmittedWorkDone) but rejects with DeviceLostError when the
 * device is lost first, so a caller never hangs on a dead device.
 */
export async function unlessLost<T>(gpu: Gpu, promise: Promise<T>): Promise<T> {
  assertAlive(gpu);
  const lost = gpu.device.lost.then((info) => {
    throw new DeviceLostError(info.message || info.reason || 'unknown');
  });
  lost.catch(() => {}); // when `promise` wins, a later loss must not surface as an unhandled rejection
  try {
    return await Promise.race([promise, lost]);
  } catch (error) {
    if (error instanceof DeviceLostError) throw error;
    // a loss aborts a pending mapAsync ("Buffer was unmapped before mapping was resolved"), and Chromium may settle
    // device.lost much later (or only when the device is next used); the engine never unmaps a buffer it waits on,
    // so an aborted map means the device went away
    const reason = await lostWithin(gpu, LOSS_SETTLE_MS);
    if (reason !== null) throw new DeviceLostError(reason);
    if ((error as { name?: string } | null)?.name === 'AbortError') throw new DeviceLostError('a pending GPU read was aborted');
    throw error;
  }
}

/** How long a failed wait looks for the device's loss to be reported (only a failure waits). */
const LOSS_SETTLE_MS = 200;

/** The device's loss reason if it is reported within `ms`, else null. */
async function lostWithin(gpu: Gpu, ms: number): Promise<string | null> {
  if (gpu.lostReason !== null) return gpu.lostReason;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((done) => (timer = setTimeout(() => done(null), ms)));
  const reason = await Promise.race([gpu.device.lost.then((info) => info.message || info.reason || 'unknown'), timeout]);
  clearTimeout(timer);
  return reason;
}
