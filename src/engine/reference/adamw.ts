// AdamW with global-norm clipping in plain TypeScript: the reference the GPU optimizer (kernels/adamw.ts) is tested against.
import type { AdamWOptions, StepStats } from '../kernels/adamw.ts';

/** The same step in plain TypeScript (the reference for tests). Mutates p, m, v in place; returns the stats. */
export function adamwReference(
  params: Float32Array[], grads: Float32Array[], m: Float32Array[], v: Float32Array[],
  step: number, lr: number, options: AdamWOptions = {},
): StepStats {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, maxGradNorm = 1 } = options;
  let total = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) total += g[i] * g[i];
  const norm = Math.sqrt(total);
  const finite = Number.isFinite(total);
  const scale = maxGradNorm > 0 && finite ? Math.min(1, maxGradNorm / (norm + 1e-6)) : 1;
  if (!finite) return { gradNorm: norm, clipScale: scale, finite };
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  params.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const g = grads[k][i] * scale;
      m[k][i] = beta1 * m[k][i] + (1 - beta1) * g;
      v[k][i] = beta2 * v[k][i] + (1 - beta2) * g * g;
      p[i] = p[i] * (1 - lr * weightDecay) - (lr * (m[k][i] / bc1)) / (Math.sqrt(v[k][i] / bc2) + eps);
    }
  });
  return { gradNorm: norm, clipScale: scale, finite };
}
