// The end of a SAI-DPO iteration: the trained adapter becomes part of the base, so the next iteration's
// reference model (adapter off) is the current policy.
//  - f32 weights (unpadded, one buffer): folded exactly, W ← W + (alpha/r)·B·A, on the GPU.
//  - quantized (q8/q4) or split weights: the adapter is kept as a frozen low-rank term beside W, applied
//    in every forward and backward pass. Exact (no re-quantization error) for r·(in + out) more numbers
//    and two small matmuls per term; re-quantizing instead would add the quantization error of W + B·A
//    at every iteration (measured in test/engine/train/fold.test.ts).
import type { GpuWeights } from '../model/gpu-weights.ts';
import type { Linear } from '../model/ops.ts';
import { matmulTT } from '../kernels/matmul.ts';
import type { Runtime } from '../runtime.ts';

export interface FoldReport {
  /** linear layers whose f32 weights now include the adapter */
  folded: number;
  /** linear layers that keep the adapter as a frozen low-rank term */
  frozen: number;
}

function foldableInPlace(lin: Linear): boolean {
  const w = lin.weight;
  return w.dtype === 'f32' && w.parts.length === 1 && w.stride === w.cols;
}

/** Moves every attached adapter into the base; the layers have no `lora` afterwards. */
export function foldAdapter(rt: Runtime, weights: GpuWeights): FoldReport {
  const report: FoldReport = { folded: 0, frozen: 0 };
  for (const layer of weights.layers) {
    for (const lin of Object.values(layer.linears)) {
      const term = lin.lora;
      if (!term) continue;
      if (foldableInPlace(lin)) {
        // W: [out, in] += scale · B [out, r] · A [r, in]
        const W = { buffer: lin.weight.parts[0].data, shape: [lin.outF, lin.inF] };
        matmulTT(rt, term.B, term.A, W, lin.outF, term.r, lin.inF, { accumulate: true, alpha: term.scale });
        lin.weight.revision = (lin.weight.revision ?? 0) + 1;
        rt.release(term.A);
        rt.release(term.B);
        report.folded++;
      } else {
        lin.frozen = [...(lin.frozen ?? []), term];
        report.frozen++;
      }
      lin.lora = undefined;
    }
  }
  return report;
}
