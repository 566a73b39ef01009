// Token sampling on the GPU (greedy, temperature, top-p) by the integer rule of reference/sampling.ts, so that it
// picks exactly the token the CPU sampler picks for the same logits and uniform.
import code from '../../../shaders/sample.wgsl?raw';
import { exp2Table, samplingScale, topPBits } from '../reference/sampling.ts';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectBytes, expectNumel, grid1d, packParams } from './common.ts';

export interface SampleOptions {
  /** 0 = greedy (argmax) */
  temperature: number;
  /** nucleus mass in (0, 1] */
  topP: number;
}

/** Threads per row (at most 256, the shader's shared arrays). */
export type SampleWorkgroup = 16 | 64 | 256;

/**
 * Software adapters run workgroup barriers as switches between threads: 16 threads per row did best on lavapipe
 * (batch 64, vocab 102: 0.36 ms per dispatch at 16, 0.69 at 32, 1.1 at 64, 3.1 at 256, CPU time); GPUs get 256.
 */
export function sampleWorkgroup(rt: Runtime): SampleWorkgroup {
  return rt.gpu.info.isSoftware ? 16 : 256;
}

const tables = new WeakMap<Runtime, GPUBuffer>();

/** The fixed-point 2^-x table (u32 [2^16]), uploaded once per runtime at creation (no queue write, so no flush). */
function pow2Table(rt: Runtime): GPUBuffer {
  let b = tables.get(rt);
  if (!b) {
    const data = exp2Table();
    b = rt.device.createBuffer({ size: data.byteLength, usage: 0x80 /* STORAGE */, mappedAtCreation: true });
    new Uint32Array(b.getMappedRange()).set(data);
    b.unmap();
    tables.set(rt, b);
  }
  return b;
}

/**
 * Records one token pick per row. logits: [rows, V]; uniforms: u32 [first + rows] (uniformBits of each row's
 * uniform) → ids: u32 [first + rows], of which rows first .. first + rows - 1 are written.
 */
export function sampleTokens(
  rt: Runtime, logits: Tensor, uniforms: GPUBuffer, ids: GPUBuffer, rows: number, V: number, options: SampleOptions,
  first = 0, workgroup: SampleWorkgroup = sampleWorkgroup(rt),
): void {
  const { temperature, topP } = options;
  if (!(temperature >= 0)) throw new Error(`sampleTokens: temperature must be >= 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`sampleTokens: top-p must be in (0, 1], got ${topP}`);
  expectNumel('sampleTokens: logits', logits, rows * V);
  expectBytes('sampleTokens: uniforms', uniforms, (first + rows) * 4);
  expectBytes('sampleTokens: ids', ids, (first + rows) * 4);
  if (uniforms === ids || uniforms === logits.buffer || ids === logits.buffer) throw new Error('sampleTokens: ids must not share a buffer with an input');
  const greedy = temperature === 0;
  const params = packParams([rows, V, first, greedy ? 1 : 0, { f32: greedy ? 0 : samplingScale(temperature) }, topPBits(topP)]);
  rt.dispatch(rt.pipeline(code, 'main', { WG: workgroup }), [logits, uniforms, pow2Table(rt), ids], grid1d(rt, rows, 1), params);
}
