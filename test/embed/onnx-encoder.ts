// A tiny BERT-like sentence encoder written as a real ONNX graph (encoded with bench/onnx-proto.ts), plus a
// TypeScript reference of the same forward pass to check what transformers.js computes with it.
//
// Graph (one layer, one head, hidden H), inputs input_ids / attention_mask / token_type_ids: [B, S] int64:
//   h0 = LayerNorm(word[input_ids] + type[token_type_ids] + pos[0..S))                         [B, S, H]
//   a  = softmax(h0Wq · (h0Wk)ᵀ / √H + (mask − 1)·10000) · h0Wv · Wo                            [B, S, H]
//   h1 = LayerNorm(h0 + a)
//   last_hidden_state = LayerNorm(h1 + relu(h1 W1 + b1) W2 + b2)                               [B, S, H]
import { ModelProto } from '../../bench/onnx-proto.ts';
import { Rng } from '../../src/util/random.ts';


/** onnx.TensorProto.DataType */
const FLOAT = 1;
const INT64 = 7;
/** onnx.AttributeProto.AttributeType */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
const LN_EPSILON = 1e-5;

export interface EncoderWeights {
  vocab: number;
  hidden: number;
  ffn: number;
  maxPositions: number;
  word: Float32Array; // [vocab, H]
  type: Float32Array; // [2, H]
  pos: Float32Array; // [maxPositions, H]
  wq: Float32Array; // [H, H] (x · W)
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  w1: Float32Array; // [H, F]
  b1: Float32Array; // [F]
  w2: Float32Array; // [F, H]
  b2: Float32Array; // [H]
}

export function randomEncoderWeights(vocab: number, hidden: number, ffn: number, maxPositions: number, seed: number): EncoderWeights {
  const rng = new Rng(seed);
  const mat = (rows: number, cols: number, scale: number) => Float32Array.from({ length: rows * cols }, () => scale * rng.normal());
  return {
    vocab,
    hidden,
    ffn,
    maxPositions,
    word: mat(vocab, hidden, 1),
    type: mat(2, hidden, 0.1),
    pos: mat(maxPositions, hidden, 0.1),
    wq: mat(hidden, hidden, 1 / Math.sqrt(hidden)),
    wk: mat(hidden, hidden, 1 / Math.sqrt(hidden)),
    wv: mat(hidden, hidden, 1 / Math.sqrt(hidden)),
    wo: mat(hidden, hidden, 1 / Math.sqrt(hidden)),
    w1: mat(hidden, ffn, 1 / Math.sqrt(hidden)),
    b1: mat(1, ffn, 0.1),
    w2: mat(ffn, hidden, 1 / Math.sqrt(ffn)),
    b2: mat(1, hidden, 0.1),
  };
}

function bytesOf(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (typeof v === 'bigint') view.setBigInt64(i * 8, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return bytes;
}

const floatInit = (name: string, dims: number[], values: Float32Array) => ({ name, dims, dataType: FLOAT, rawData: bytesOf(values) });
const intInit = (name: string, dims: number[], values: number[]) => ({ name, dims, dataType: INT64, rawData: bytesOf(BigInt64Array.from(values.map(BigInt))) });
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({ opType, input, output, name: output[0], attribute });
const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

/** Serialized ModelProto of the encoder (IR 8, opset 17: LayerNormalization is in the default domain). */
export function encoderOnnx(w: EncoderWeights): Uint8Array {
  const H = w.hidden;
  const ones = new Float32Array(H).fill(1);
  const zeros = new Float32Array(H);
  const ln = (x: string, out: string) => node('LayerNormalization', [x, 'ln_gamma', 'ln_beta'], [out], [
    { name: 'axis', i: -1, type: ATTR_INT },
    { name: 'epsilon', f: LN_EPSILON, type: ATTR_FLOAT },
  ]);
  const nodes = [
    node('Gather', ['word', 'input_ids'], ['we']),
    node('Gather', ['type', 'token_type_ids'], ['te']),
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'one_scalar'], ['seq_len'], [{ name: 'axis', i: 0, type: ATTR_INT }]),
    node('Range', ['zero_scalar', 'seq_len', 'one_scalar'], ['positions']),
    node('Gather', ['pos', 'positions'], ['pe']),
    node('Add', ['we', 'te'], ['wte']),
    node('Add', ['wte', 'pe'], ['emb']),
    ln('emb', 'h0'),
    node('MatMul', ['h0', 'wq'], ['q']),
    node('MatMul', ['h0', 'wk'], ['k']),
    node('MatMul', ['h0', 'wv'], ['v']),
    node('Transpose', ['k'], ['kt'], [{ name: 'perm', ints: [0, 2, 1], type: ATTR_INTS }]),
    node('MatMul', ['q', 'kt'], ['scores_raw']),
    node('Mul', ['scores_raw', 'inv_sqrt_h'], ['scores_scaled']),
    node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', i: FLOAT, type: ATTR_INT }]),
    node('Unsqueeze', ['mask_f', 'axis_one'], ['mask_3d']),
    node('Sub', ['mask_3d', 'one_f'], ['mask_off']),
    node('Mul', ['mask_off', 'big_f'], ['mask_bias']),
    node('Add', ['scores_scaled', 'mask_bias'], ['scores']),
    node('Softmax', ['scores'], ['attn'], [{ name: 'axis', i: -1, type: ATTR_INT }]),
    node('MatMul', ['attn', 'v'], ['ctx']),
    node('MatMul', ['ctx', 'wo'], ['attn_out']),
    node('Add', ['h0', 'attn_out'], ['res1']),
    ln('res1', 'h1'),
    node('MatMul', ['h1', 'w1'], ['f1']),
    node('Add', ['f1', 'b1'], ['f1b']),
    node('Relu', ['f1b'], ['f1r']),
    node('MatMul', ['f1r', 'w2'], ['f2']),
    node('Add', ['f2', 'b2'], ['f2b']),
    node('Add', ['h1', 'f2b'], ['res2']),
    ln('res2', 'last_hidden_state'),
  ];
  const model = {
    irVersion: 8,
    producerName: 'sai-dpo-lab test encoder',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny-encoder',
      node: nodes,
      initializer: [
        floatInit('word', [w.vocab, H], w.word),
        floatInit('type', [2, H], w.type),
        floatInit('pos', [w.maxPositions, H], w.pos),
        floatInit('wq', [H, H], w.wq),
        floatInit('wk', [H, H], w.wk),
        floatInit('wv', [H, H], w.wv),
        floatInit('wo', [H, H], w.wo),
        floatInit('w1', [H, w.ffn], w.w1),
        floatInit('b1', [w.ffn], w.b1),
        floatInit('w2', [w.ffn, H], w.w2),
        floatInit('b2', [H], w.b2),
        floatInit('ln_gamma', [H], ones),
        floatInit('ln_beta', [H], zeros),
        floatInit('inv_sqrt_h', [], Float32Array.of(1 / Math.sqrt(H))),
        floatInit('one_f', [], Float32Array.of(1)),
        floatInit('big_f', [], Float32Array.of(10000)),
        intInit('zero_scalar', [], [0]),
        intInit('one_scalar', [], [1]),
        intInit('axis_one', [1], [1]),
      ],
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => valueInfo(name, INT64, ['batch', 'sequence'])),
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', H])],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`encoderOnnx: invalid ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** The reference forward pass for one sequence: last_hidden_state [S, H] (f64). */
export function referenceForward(w: EncoderWeights, ids: number[], mask: number[], types: number[]): Float64Array[] {
  const H = w.hidden;
  const layerNorm = (x: Float64Array) => {
    let mean = 0;
    for (const v of x) mean += v / H;
    let variance = 0;
    for (const v of x) variance += (v - mean) ** 2 / H;
    return x.map((v) => (v - mean) / Math.sqrt(variance + LN_EPSILON));
  };
  const matvec = (x: Float64Array, m: Float32Array, cols: number) => {
    const out = new Float64Array(cols);
    for (let c = 0; c < cols; c++) for (let r = 0; r < x.length; r++) out[c] += x[r] * m[r * cols + c];
    return out;
  };
  const h0 = ids.map((id, s) => layerNorm(Float64Array.from({ length: H }, (_, d) => w.word[id * H + d] + w.type[types[s] * H + d] + w.pos[s * H + d])));
  const q = h0.map((x) => matvec(x, w.wq, H));
  const k = h0.map((x) => matvec(x, w.wk, H));
  const v = h0.map((x) => matvec(x, w.wv, H));
  const h1 = h0.map((x, s) => {
    const scores = k.map((kt, t) => {
      let dot = 0;
      for (let d = 0; d < H; d++) dot += q[s][d] * kt[d];
      return dot / Math.sqrt(H) + (mask[t] - 1) * 10000;
    });
    const max = Math.max(...scores);
    const exps = scores.map((z) => Math.exp(z - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const ctx = new Float64Array(H);
    exps.forEach((e, t) => {
      for (let d = 0; d < H; d++) ctx[d] += (e / total) * v[t][d];
    });
    const out = matvec(ctx, w.wo, H);
    return layerNorm(x.map((xv, d) => xv + out[d]));
  });
  return h1.map((x) => {
    const f = matvec(x, w.w1, w.ffn).map((z, c) => Math.max(0, z + w.b1[c]));
    const f2 = matvec(f, w.w2, H);
    return layerNorm(x.map((xv, d) => xv + f2[d] + w.b2[d]));
  });
}

/** Mean over the positions where mask is 1, then L2-normalized: what sentence-transformers' mean pooling gives. */
export function meanPoolNormalize(states: Float64Array[], mask: number[]): Float64Array {
  const H = states[0].length;
  const out = new Float64Array(H);
  let count = 0;
  states.forEach((s, t) => {
    if (!mask[t]) return;
    count++;
    for (let d = 0; d < H; d++) out[d] += s[d];
  });
  let norm = 0;
  for (let d = 0; d < H; d++) {
    out[d] /= count;
    norm += out[d] ** 2;
  }
  return out.map((x) => x / Math.sqrt(norm));
}
