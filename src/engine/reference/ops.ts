// Plain TypeScript references of the forward ops: the ground truth for the WGSL kernels.
// Everything is f32 row-major; a comment gives each array's shape. Accumulation in f64 (JS numbers).

/** y = x · Wᵀ (+ b).  x: [M, K], w: [N, K] (Hugging Face nn.Linear layout), b: [N] → y: [M, N] */
export function matmulRef(x: Float32Array, w: Float32Array, M: number, K: number, N: number, bias?: Float32Array): Float32Array {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = bias ? bias[n] : 0;
      for (let k = 0; k < K; k++) s += x[m * K + k] * w[n * K + k];
      y[m * N + n] = s;
    }
  }
  return y;
}

/** RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x²) + eps) · weight.  x: [T, H], weight: [H] */
export function rmsnormRef(x: Float32Array, weight: Float32Array, T: number, H: number, eps: number): Float32Array {
  const y = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    let ss = 0;
    for (let h = 0; h < H; h++) ss += x[t * H + h] ** 2;
    const inv = 1 / Math.sqrt(ss / H + eps);
    for (let h = 0; h < H; h++) y[t * H + h] = x[t * H + h] * inv * weight[h];
  }
  return y;
}

/**
 * RoPE (Su et al. 2021) in Hugging Face's rotate-half form: for i < d/2, the pair (x[i], x[i + d/2])
 * is rotated by angle pos · theta^(-2i/d).  x: [T, nHeads · headDim], positions: [T]
 */
export function ropeRef(x: Float32Array, positions: ArrayLike<number>, nHeads: number, headDim: number, theta: number): Float32Array {
  const y = new Float32Array(x.length);
  const half = headDim / 2;
  const T = positions.length;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < nHeads; h++) {
      const base = (t * nHeads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const angle = positions[t] * Math.pow(theta, (-2 * i) / headDim);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const a = x[base + i];
        const b = x[base + i + half];
        y[base + i] = a * c - b * s;
        y[base + i + half] = b * c + a * s;
      }
    }
  }
  return y;
}

/**
 * Causal grouped-query attention, softmax(q·kᵀ / sqrt(d)) · v, where query t sees keys j <= qPos[t].
 * q: [T, nHeads · d], k and v: [S, nKv · d] (query head h reads key/value head floor(h / (nHeads / nKv))),
 * qPos: [T] → out: [T, nHeads · d]
 */
export function attentionRef(
  q: Float32Array, k: Float32Array, v: Float32Array, qPos: ArrayLike<number>,
  nHeads: number, nKv: number, d: number,
): Float32Array {
  const T = qPos.length;
  const out = new Float32Array(T * nHeads * d);
  const group = nHeads / nKv;
  const scale = 1 / Math.sqrt(d);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < nHeads; h++) {
      const kvh = Math.floor(h / group);
      const visible = qPos[t] + 1;
      const scores = new Float64Array(visible);
      let max = -Infinity;
      for (let j = 0; j < visible; j++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += q[(t * nHeads + h) * d + i] * k[(j * nKv + kvh) * d + i];
        scores[j] = s * scale;
        max = Math.max(max, scores[j]);
      }
      let sum = 0;
      for (let j = 0; j < visible; j++) sum += (scores[j] = Math.exp(scores[j] - max));
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let j = 0; j < visible; j++) acc += scores[j] * v[(j * nKv + kvh) * d + i];
        out[(t * nHeads + h) * d + i] = acc / sum;
      }
    }
  }
  return out;
}

/** SwiGLU (Shazeer 2020): silu(gate) · up, elementwise.  gate, up: [T, I] */
export function swigluRef(gate: Float32Array, up: Float32Array): Float32Array {
  const y = new Float32Array(gate.length);
  for (let i = 0; i < gate.length; i++) y[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
  return y;
}

/** Rows of the embedding table.  table: [V, H], ids: [T] → [T, H] */
export function embeddingRef(table: Float32Array, ids: ArrayLike<number>, H: number): Float32Array {
  const y = new Float32Array(ids.length * H);
  for (let t = 0; t < ids.length; t++) y.set(table.subarray(ids[t] * H, ids[t] * H + H), t * H);
  return y;
}

/** Elementwise a + b. */
export function addRef(a: Float32Array, b: Float32Array): Float32Array {
  const y = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}

/** log softmax over the last axis.  logits: [T, V] */
export function logSoftmaxRef(logits: Float32Array, T: number, V: number): Float32Array {
  const y = new Float32Array(T * V);
  for (let t = 0; t < T; t++) {
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[t * V + v] - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < V; v++) y[t * V + v] = logits[t * V + v] - lse;
  }
  return y;
}

/** log p(target[t]) for each row.  logits: [T, V], targets: [T] → [T] */
export function gatherLogprobRef(logits: Float32Array, targets: ArrayLike<number>, V: number): Float32Array {
  const T = targets.length;
  const lsm = logSoftmaxRef(logits, T, V);
  const y = new Float32Array(T);
  for (let t = 0; t < T; t++) y[t] = lsm[t * V + targets[t]];
  return y;
}

/** The transpose.  x: [R, C] → [C, R] */
export function transposeRef(x: Float32Array, R: number, C: number): Float32Array {
  const y = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) y[c * R + r] = x[r * C + c];
  return y;
}
