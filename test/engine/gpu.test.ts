// acquireGpu(): the adapter's own limits instead of WebGPU's defaults, optional features only where present.
import { create } from 'webgpu';
import { describe, expect, it } from 'vitest';
import { acquireGpu, DeviceLostError, REQUESTED_LIMITS, unlessLost } from '../../src/engine/gpu.ts';

describe('acquireGpu', () => {
  it('finds an adapter by itself and asks for its real limits', async () => {
    const gpu = await acquireGpu();
    try {
      console.log(`adapter: ${gpu.info.description} (${gpu.info.source}); f16 ${gpu.f16}, subgroups ${gpu.subgroups}`);
      const instance = create([]); // Node: the same driver acquireGpu() chose (it set the loader's variables)
      const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
      for (const name of REQUESTED_LIMITS) {
        expect(gpu.limits[name], name).toBe((adapter!.limits as unknown as Record<string, number>)[name]);
      }
      // WebGPU's defaults are 16 KiB and 8; every adapter this project runs on offers more
      expect(gpu.limits.maxComputeWorkgroupStorageSize).toBeGreaterThan(16384);
      expect(gpu.limits.maxStorageBuffersPerShaderStage).toBeGreaterThan(8);
      expect(gpu.f16).toBe(gpu.device.features.has('shader-f16'));
    } finally {
      gpu.destroy();
    }
  });

  it('leaves optional features off when asked, and a lost device rejects waits instead of hanging', async () => {
    const gpu = await acquireGpu({ disableF16: true, disableSubgroups: true });
    expect(gpu.f16).toBe(false);
    expect(gpu.subgroups).toBe(false);
    expect(gpu.device.features.has('shader-f16')).toBe(false);
    gpu.destroy();
    await expect(unlessLost(gpu, new Promise(() => {}))).rejects.toThrow(DeviceLostError);
    expect(gpu.lostReason).not.toBeNull();
  });

  it('a readback in flight when the device is lost fails as a lost device, whatever the map call says', async () => {
    const gpu = await acquireGpu();
    const buffer = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const mapping = unlessLost(gpu, buffer.mapAsync(GPUMapMode.READ));
    gpu.device.destroy();
    await expect(mapping).rejects.toThrow(DeviceLostError);
  });

  it('a failed wait on a live device keeps its own error', async () => {
    const gpu = await acquireGpu();
    try {
      await expect(unlessLost(gpu, Promise.reject(new Error('not a loss')))).rejects.toThrow('not a loss');
      expect(gpu.lostReason).toBeNull();
    } finally {
      gpu.destroy();
    }
  });
});
