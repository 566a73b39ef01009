// SwiGLU activation of the MLP, from two buffers or from one fused gate/up buffer.
import code from '../../../shaders/swiglu.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNoAlias, expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/** y = silu(gate) · up.  gate, up: [T, I] → y: [T, I] */
export function swiglu(rt: Runtime, gate: Tensor, up: Tensor, T: number, I: number, out?: Tensor): Tensor {
  expectNumel('swiglu: gate', gate, T * I);
  expectNumel('swiglu: up', up, T * I);
  const y = outputTensor(rt, 'swiglu: out', [T, I], out);
  expectNoAlias('swiglu', y, gate, up);
  rt.dispatch(rt.pipeline(code, 'swiglu'), [gate, up, y], grid1d(rt, T * I, 256), packParams([T * I, I]));
  return y;
}

/** y = silu(gu[:, :I]) · gu[:, I:].  gu: [T, 2I] → y: [T, I] */
export function swigluFused(rt: Runtime, gu: Tensor, T: number, I: number, out?: Tensor): Tensor {
  expectNumel('swigluFused: gu', gu, T * 2 * I);
  const y = outputTensor(rt, 'swigluFused: out', [T, I], out);
  expectNoAlias('swigluFused', y, gu);
  rt.dispatch(rt.pipeline(code, 'swiglu_fused'), [gu, y], grid1d(rt, T * I, 256), packParams([T * I, I]));
  return y;
}
