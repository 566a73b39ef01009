// Stacked projections for inference: q | k | v in one weight and gate | up in another, so that a layer runs one
// product where it ran three (and two); qkv_rope.wgsl splits and rotates the stacked output, swiglu_fused reads
// gate and up from theirs. The stacks are copies made on the GPU, only for models whose projections are small
// enough that dispatches, not FLOPs, bound a step (STACKED_MAX_BYTES: the copies double these weights' memory).
// A stack is made again when a folded adapter changes a source (revision), and never made for weights trained in
// place or for modules carrying adapter terms: those keep one product per module.
import type { LinearModule } from '../files/weight-names.ts';
import type { Runtime, Tensor } from '../runtime.ts';
import type { GpuWeight } from '../weights.ts';
import type { GpuWeights, LayerWeights } from './gpu-weights.ts';
import type { Linear } from './ops.ts';

/** Largest total of the stacked weights' bytes (all layers) for which stacks are made. */
export const STACKED_MAX_BYTES = 32 * 1024 * 1024;

export type StackName = 'qkv' | 'gateUp';

const STACKS: Record<StackName, readonly LinearModule[]> = {
  qkv: ['q_proj', 'k_proj', 'v_proj'],
  gateUp: ['gate_proj', 'up_proj'],
};

interface Stack {
  linear: Linear;
  /** the sources and their revisions when the stack was made */
  sources: GpuWeight[];
  revisions: number[];
}

const STORAGE_COPY = 0x80 | 0x08 | 0x04;

/** Bytes of a one-part weight's rows (data) and of its scales. */
function partBytes(w: GpuWeight): { data: number; scales: number } {
  const scaleFloats = w.dtype === 'f32' ? 0 : w.dtype === 'q4' ? 2 * w.groupsPerRow : w.groupsPerRow;
  return { data: w.rows * w.stride * 4, scales: w.rows * scaleFloats * 4 };
}

/** The linears can be stacked: one part each, one layout, no adapter terms, not trained in place, biases on all or none. */
function stackable(lins: Linear[]): boolean {
  const [first] = lins;
  const same = (w: GpuWeight) => w.dtype === first.weight.dtype && w.cols === first.weight.cols && w.stride === first.weight.stride
    && w.groupSize === first.weight.groupSize && w.groupsPerRow === first.weight.groupsPerRow;
  return lins.every((l) => l.weight.parts.length === 1 && same(l.weight) && !l.lora && !(l.frozen?.length) && !l.weight.trainedInPlace
    && (l.bias === undefined) === (first.bias === undefined));
}

/** Bytes the stacks of every layer would take. */
export function stackedBytes(weights: GpuWeights): number {
  let total = 0;
  for (const layer of weights.layers) {
    for (const modules of Object.values(STACKS)) {
      for (const m of modules) {
        const b = partBytes(layer.linears[m].weight);
        total += b.data + b.scales;
      }
    }
  }
  return total;
}

function concat(rt: Runtime, buffers: { buffer: GPUBuffer; bytes: number }[]): GPUBuffer {
  const total = buffers.reduce((s, b) => s + b.bytes, 0);
  const out = rt.device.createBuffer({ size: Math.max(16, Math.ceil(total / 16) * 16), usage: STORAGE_COPY });
  let offset = 0;
  for (const b of buffers) {
    rt.copy(b.buffer, 0, out, offset, b.bytes);
    offset += b.bytes;
  }
  return out;
}

/** Records the copies that stack `lins` by rows (output features): W [Σ out, in], bias [Σ out]. */
function stack(rt: Runtime, lins: Linear[]): Stack {
  const ws = lins.map((l) => l.weight);
  const [w0] = ws;
  const rows = ws.reduce((s, w) => s + w.rows, 0);
  const data = concat(rt, ws.map((w) => ({ buffer: w.parts[0].data, bytes: partBytes(w).data })));
  const scales = w0.dtype === 'f32' ? undefined : concat(rt, ws.map((w) => ({ buffer: w.parts[0].scales!, bytes: partBytes(w).scales })));
  let bias: Tensor | undefined;
  if (lins[0].bias) bias = { buffer: concat(rt, lins.map((l) => ({ buffer: l.bias!.buffer, bytes: l.outF * 4 }))), shape: [rows] };
  const weight: GpuWeight = { ...w0, rows, parts: [{ rowStart: 0, rows, data, scales }], revision: undefined, trainedInPlace: undefined };
  return { linear: { weight, inF: lins[0].inF, outF: rows, bias }, sources: ws, revisions: ws.map((w) => w.revision ?? 0) };
}

function destroyStack(s: Stack): void {
  for (const p of s.linear.weight.parts) {
    p.data.destroy();
    p.scales?.destroy();
  }
  s.linear.bias?.buffer.destroy();
}

const stacks = new WeakMap<LayerWeights, Map<StackName, Stack>>();

/**
 * The stacked linear of `name` for this layer, made (or made again after a fold) as needed; undefined when the
 * modules cannot be stacked now (adapter terms, weights trained in place, mixed layouts).
 */
export function stackedLinear(rt: Runtime, layer: LayerWeights, name: StackName): Linear | undefined {
  const lins = STACKS[name].map((m) => layer.linears[m]);
  let byName = stacks.get(layer);
  const cached = byName?.get(name);
  const fresh = cached && cached.sources.every((w, i) => w === lins[i].weight && (w.revision ?? 0) === cached.revisions[i]);
  if (cached && fresh && stackable(lins)) return cached.linear;
  if (cached) {
    destroyStack(cached);
    byName!.delete(name);
  }
  if (!stackable(lins)) return undefined;
  const made = stack(rt, lins);
  if (!byName) stacks.set(layer, (byName = new Map()));
  byName.set(name, made);
  return made.linear;
}

/** Frees the stacks made for these weights. */
export function disposeStacks(weights: GpuWeights): void {
  for (const layer of weights.layers) {
    for (const s of stacks.get(layer)?.values() ?? []) destroyStack(s);
    stacks.delete(layer);
  }
}
