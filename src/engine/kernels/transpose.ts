// A transposed copy of an f32 matrix whose sides are multiples of 4 (shaders/transpose.wgsl).
import code from '../../../shaders/transpose.wgsl?raw';
import type { Runtime, Tensor } from '../runtime.ts';
import { expectNoAlias, expectNumel, outputTensor, packParams } from './common.ts';

/** Whether transpose() takes an [R, C] matrix. */
export function transposable(R: number, C: number): boolean {
  return R > 0 && C > 0 && R % 4 === 0 && C % 4 === 0;
}

/** dst = srcᵀ.  src: [R, C] → dst: [C, R] (R and C multiples of 4) */
export function transpose(rt: Runtime, src: Tensor, R: number, C: number, out?: Tensor): Tensor {
  expectNumel('transpose: src', src, R * C);
  if (!transposable(R, C)) throw new Error(`transpose: [${R}, ${C}] needs both sides positive multiples of 4`);
  const dst = outputTensor(rt, 'transpose: out', [C, R], out);
  expectNoAlias('transpose', dst, src);
  rt.dispatch(rt.pipeline(code), [src, dst], [Math.ceil(C / 32), Math.ceil(R / 32)], packParams([R, C]));
  return dst;
}
