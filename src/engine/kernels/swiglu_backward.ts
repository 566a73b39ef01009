// SwiGLU backward, from two buffers or from one fused gate/up buffer (the layouts of swiglu.ts).
import code from '../../../shaders/swiglu_backward.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNumel, grid1d, outputTensor, packParams } from './common.ts';

/** gate, up, dy: [T, I] → dgate, dup: [T, I] */
export function swigluBackward(
  rt: Runtime, gate: Tensor, up: Tensor, dy: Tensor, T: number, I: number,
  out: { dgate?: Tensor; dup?: Tensor } = {},
): { dgate: Tensor; dup: Tensor } {
  const n = T * I;
  expectNumel('swigluBackward: gate', gate, n);
  expectNumel('swigluBackward: up', up, n);
  expectNumel('swigluBackward: dy', dy, n);
  const dgate = outputTensor(rt, 'swigluBackward: dgate', [T, I], out.dgate);
  const dup = outputTensor(rt, 'swigluBackward: dup', [T, I], out.dup);
  rt.dispatch(rt.pipeline(code, 'swiglu_backward'), [gate, up, dy, dgate, dup], grid1d(rt, n, 256), packParams([n, I]));
  return { dgate, dup };
}

/** gu: [T, 2I] (gate columns then up columns), dy: [T, I] → dgu: [T, 2I] */
export function swigluFusedBackward(rt: Runtime, gu: Tensor, dy: Tensor, T: number, I: number, out?: Tensor): Tensor {
  expectNumel('swigluFusedBackward: gu', gu, T * 2 * I);
  expectNumel('swigluFusedBackward: dy', dy, T * I);
  const dgu = outputTensor(rt, 'swigluFusedBackward: dgu', [T, 2 * I], out);
  rt.dispatch(rt.pipeline(code, 'swiglu_fused_backward'), [gu, dy, dgu], grid1d(rt, T * I, 256), packParams([T * I, I]));
  return dgu;
}
