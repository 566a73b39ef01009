// Runs GPU work inside a validation error scope, so a kernel that fails to compile or bind fails its test
// loudly instead of leaving stale pooled data to be read back.
import type { Runtime } from '../../../src/engine/runtime.ts';

export async function withoutGpuErrors<T>(rt: Runtime, work: () => Promise<T>): Promise<T> {
  rt.device.pushErrorScope('validation');
  let result: T;
  try {
    result = await work();
  } finally {
    const error = await rt.device.popErrorScope();
    if (error) throw new Error(`WebGPU validation error: ${error.message}`);
  }
  return result;
}

/** Rigorous bound on the f32 rounding error of Σ_k x_k w_k (Higham, γ_n with n = K + 2 covering the dequantization too). */
export function dotErrorBound(absSum: number, K: number): number {
  return (K + 2) * 2 ** -24 * absSum;
}
