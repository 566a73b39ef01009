// AdamW with global-norm gradient clipping, on the GPU (shaders/optimizer.wgsl).
// Parameters and gradients are f32 tensors; moments live beside them. Nothing is read back in step():
// the norm, clip scale and "finite" flag stay in a small stats buffer that readStats() fetches when wanted.
// The CPU reference is reference/adamw.ts.
import code from '../../../shaders/optimizer.wgsl?raw';
import { numel, type Runtime, type Tensor } from '../runtime.ts';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** clip the global gradient norm to this; 0 or less: no clipping */
  maxGradNorm?: number;
}

export interface StepStats {
  gradNorm: number;
  clipScale: number;
  /** false when the gradients held NaN or Inf: the step was skipped, nothing changed */
  finite: boolean;
}

const GROUPS_PER_TENSOR = 64; // matches GROUPS_PER_TENSOR in optimizer.wgsl
const WG = 256;

export class AdamW {
  /** steps taken (skipped steps not counted), for bias correction */
  step = 0;
  readonly m: Tensor[];
  readonly v: Tensor[];
  private readonly partials: GPUBuffer;
  readonly stats: GPUBuffer;
  private readonly options: Required<AdamWOptions>;

  /**
   * @param threadPartials the gradient norm's partial sums by threads without barriers (default on software
   *   adapters) instead of workgroup reductions: the same sums in another order
   */
  constructor(private readonly rt: Runtime, readonly params: Tensor[], options: AdamWOptions = {}, readonly threadPartials = rt.gpu.info.isSoftware) {
    this.options = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1, ...options };
    this.m = params.map((p) => rt.zeros(p.shape));
    this.v = params.map((p) => rt.zeros(p.shape));
    this.partials = rt.buffer(params.length * GROUPS_PER_TENSOR * 4);
    this.stats = rt.buffer(16);
  }

  /**
   * Records one update of every parameter from `grads` (same order and shapes as `params`) at learning rate `lr`.
   * The bias corrections assume the step is taken; if it is skipped on the GPU (non-finite gradients),
   * call `undoSkipped()` once the stats show it.
   */
  record(grads: Tensor[], lr: number): void {
    const { rt } = this;
    const { beta1, beta2, eps, weightDecay, maxGradNorm } = this.options;
    this.rt.fill(this.partials, 0, this.partials.size);
    // each tensor's squared norm as GROUPS_PER_TENSOR partials: 64 workgroups reducing in workgroup memory (GPUs),
    // or 64 threads of one workgroup without barriers (software adapters)
    const [entry, groups] = this.threadPartials ? ['sumsq_threads', 1] : ['sumsq', GROUPS_PER_TENSOR];
    grads.forEach((g, slot) => {
      rt.dispatch(rt.pipeline(code, entry), [g, this.partials], [groups], u32f32([numel(g.shape), slot]));
    });
    const normParams = new ArrayBuffer(8);
    new Uint32Array(normParams, 0, 1)[0] = grads.length * GROUPS_PER_TENSOR;
    new Float32Array(normParams, 4, 1)[0] = maxGradNorm;
    rt.dispatch(rt.pipeline(code, 'finish_norm'), [this.partials, this.stats], [1], normParams);
    this.step++;
    const t = this.step;
    this.params.forEach((p, i) => {
      const n = numel(p.shape);
      const params = new ArrayBuffer(32);
      new Uint32Array(params, 0, 1)[0] = n;
      new Float32Array(params, 4, 7).set([lr, beta1, beta2, eps, weightDecay, 1 - beta1 ** t, 1 - beta2 ** t]);
      const groups = Math.min(Math.ceil(n / WG), 1024);
      rt.dispatch(rt.pipeline(code, 'adamw'), [p, grads[i], this.m[i], this.v[i], this.stats], [groups], params);
    });
  }

  /** Reads the last step's gradient norm, clip scale and finiteness (one small readback). */
  async readStats(): Promise<StepStats> {
    const s = new Float32Array(await this.rt.read(this.stats, 16));
    return { gradNorm: s[3], clipScale: s[1], finite: s[2] === 1 };
  }

  /** After a skipped step (stats.finite false), keep the bias-correction step count honest. */
  undoSkipped(): void {
    this.step--;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) this.rt.release(t);
    this.rt.release(this.partials);
    this.rt.release(this.stats);
  }
}

function u32f32(values: [number, number]): Uint32Array {
  return Uint32Array.from(values);
}
