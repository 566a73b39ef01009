// Inverted dropout with a mask recomputed from (seed, index): see shaders/dropout.wgsl.
import code from '../../../shaders/dropout.wgsl?raw';
import { numel, type Runtime, type Tensor } from '../runtime.ts';
import { grid1d, outputTensor, packParams } from './common.ts';

/** The keep threshold of drop probability p, as a u32: elements with hash ≥ threshold are kept. */
export function dropoutThreshold(p: number): number {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout probability must be in [0, 1), got ${p}`);
  return Math.min(0xffffffff, Math.round(p * 2 ** 32));
}

/** y = x · keep(seed, i) / (1 − p).  x: any shape → y: the same */
export function dropout(rt: Runtime, x: Tensor, p: number, seed: number, out?: Tensor): Tensor {
  const n = numel(x.shape);
  const y = outputTensor(rt, 'dropout: out', x.shape, out);
  if (y.buffer === x.buffer) throw new Error('dropout: out must not alias x');
  rt.dispatch(rt.pipeline(code), [x, y], grid1d(rt, n, 256), packParams([n, seed >>> 0, dropoutThreshold(p), { f32: 1 / (1 - p) }]));
  return y;
}
