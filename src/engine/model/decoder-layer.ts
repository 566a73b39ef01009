// One pre-norm Llama / Qwen2 decoder layer on the GPU, written once and used by inference (GpuModel: attention over
// a KV cache) and by training (TrainableModel: attention over the batch's own keys, activations kept for the
// backward pass). The TypeScript reference (reference/model.ts) is a separate implementation: the check on this one.
//   h   = x + o_proj(attention(rope(q_proj(n1)), rope(k_proj(n1)), v_proj(n1))),  n1 = rmsnorm(x)
//   out = h + down_proj(silu(gate_proj(n2)) · up_proj(n2)),                      n2 = rmsnorm(h)
import type { ModelConfig } from '../files/config.ts';
import type { LinearModule } from '../files/weight-names.ts';
import type { Runtime, Tensor } from '../runtime.ts';
import type { LayerWeights } from './gpu-weights.ts';
import type { StackName } from './fused.ts';
import { add, qkvRope, rmsnorm, rope, swiglu, swigluFused } from './ops.ts';

/** What the backward pass reads (N = rows of the pass). */
export interface LayerActivations {
  x: Tensor; // [N, H] the layer's input
  normed1: Tensor; // [N, H]
  q: Tensor; // [N, nH·d] after RoPE
  k: Tensor; // [N, nKv·d] after RoPE
  v: Tensor; // [N, nKv·d]
  attn: Tensor; // [N, nH·d]
  h: Tensor; // [N, H] after the attention residual
  normed2: Tensor; // [N, H]
  gate: Tensor; // [N, I]
  up: Tensor; // [N, I]
  act: Tensor; // [N, I]
}

/** How a pass runs the layer: the parts that differ between inference and training. */
export interface LayerPass {
  rt: Runtime;
  config: ModelConfig;
  /** rows in the pass (B · Tq) */
  N: number;
  /** u32 [N]: each row's position, for RoPE */
  positions: GPUBuffer;
  /** y = module(x) for this layer's linear `module` (with the adapter as the pass wants it) */
  linear(module: LinearModule, x: Tensor): Tensor;
  /** attention after RoPE.  q: [N, nH·d], k, v: [N, nKv·d] → [N, nH·d]; q, k and v stay the layer's */
  attend(q: Tensor, k: Tensor, v: Tensor): Tensor;
  /** keep the activations for the backward pass (training) instead of releasing each once used */
  keep: boolean;
  /**
   * y = stack(x) for a stacked projection (fused.ts: q | k | v → [N, (nH + 2·nKv)·d], gate | up → [N, 2I]), or
   * undefined to run one product per module. Inference only: training keeps each module's output.
   */
  stacked?(name: StackName, x: Tensor): Tensor | undefined;
}

/** Records the layer on x: [N, H] → out: [N, H]. x stays the caller's; with `keep`, the activations are returned. */
export function decoderLayer(pass: LayerPass, w: LayerWeights, x: Tensor): { out: Tensor; activations?: LayerActivations } {
  const { rt, config: c, N } = pass;
  const H = c.hiddenSize;
  const done = (...tensors: Tensor[]) => {
    if (!pass.keep) for (const t of tensors) rt.release(t);
  };
  const normed1 = rmsnorm(rt, x, w.inputNorm, N, H, c.rmsNormEps);
  const { q, k, v } = projectQkv(pass, normed1);
  done(normed1);
  const attn = pass.attend(q, k, v);
  done(q, k, v);
  const o = pass.linear('o_proj', attn);
  done(attn);
  const h = add(rt, x, o);
  rt.release(o);
  const normed2 = rmsnorm(rt, h, w.postNorm, N, H, c.rmsNormEps);
  const { act, gate, up } = mlpActivation(pass, normed2);
  done(normed2);
  const down = pass.linear('down_proj', act);
  done(act);
  const out = add(rt, h, down);
  rt.release(down);
  done(h);
  return pass.keep ? { out, activations: { x, normed1, q, k, v, attn, h, normed2, gate: gate!, up: up!, act } } : { out };
}

/** silu(gate)·up: from the stacked gate | up product when the pass has one, else one product per module (kept with `keep`). */
function mlpActivation(pass: LayerPass, normed2: Tensor): { act: Tensor; gate?: Tensor; up?: Tensor } {
  const { rt, config: c, N } = pass;
  const gateUp = pass.keep ? undefined : pass.stacked?.('gateUp', normed2);
  if (gateUp) {
    const act = swigluFused(rt, gateUp, N, c.intermediateSize);
    rt.release(gateUp);
    return { act };
  }
  const gate = pass.linear('gate_proj', normed2);
  const up = pass.linear('up_proj', normed2);
  const act = swiglu(rt, gate, up, N, c.intermediateSize);
  if (pass.keep) return { act, gate, up };
  rt.release(gate);
  rt.release(up);
  return { act };
}

/** q, k, v after RoPE: from the stacked projection when the pass has one, else one product per module. */
function projectQkv(pass: LayerPass, normed1: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
  const { rt, config: c, N } = pass;
  const qkv = pass.keep ? undefined : pass.stacked?.('qkv', normed1);
  if (qkv) {
    const out = qkvRope(rt, qkv, pass.positions, { T: N, nH: c.numHeads, nKv: c.numKvHeads, headDim: c.headDim, theta: c.ropeTheta });
    rt.release(qkv);
    return out;
  }
  const q = pass.linear('q_proj', normed1);
  const k = pass.linear('k_proj', normed1);
  const v = pass.linear('v_proj', normed1);
  rope(rt, q, pass.positions, N, c.numHeads, c.headDim, c.ropeTheta);
  rope(rt, k, pass.positions, N, c.numKvHeads, c.headDim, c.ropeTheta);
  return { q, k, v };
}
