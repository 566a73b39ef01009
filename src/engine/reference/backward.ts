// Plain TypeScript references of the backward pass of every forward op in ops.ts: the ground truth
// for the WGSL backward kernels. Each takes the upstream gradient dy (same shape as the op's output)
// and returns the gradients of its inputs. f32 arrays, f64 accumulation.
import { ropeRef } from './ops.ts';

/** dX = dY · W (the input gradient of y = x·Wᵀ).  dy: [M, N], w: [N, K] → dx: [M, K] */
export function matmulBackwardInputRef(dy: Float32Array, w: Float32Array, M: number, K: number, N: number): Float32Array {
  const dx = new Float32Array(M * K);
  const row = new Float64Array(K);
  for (let m = 0; m < M; m++) {
    row.fill(0);
    for (let n = 0; n < N; n++) {
      const g = dy[m * N + n];
      if (g === 0) continue;
      for (let k = 0; k < K; k++) row[k] += g * w[n * K + k];
    }
    for (let k = 0; k < K; k++) dx[m * K + k] = row[k];
  }
  return dx;
}

/** dW = dYᵀ · X (the weight gradient of y = x·Wᵀ).  dy: [M, N], x: [M, K] → dw: [N, K] */
export function matmulBackwardWeightRef(dy: Float32Array, x: Float32Array, M: number, K: number, N: number): Float32Array {
  const dw = new Float32Array(N * K);
  const row = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    row.fill(0);
    for (let m = 0; m < M; m++) {
      const g = dy[m * N + n];
      if (g === 0) continue;
      for (let k = 0; k < K; k++) row[k] += g * x[m * K + k];
    }
    for (let k = 0; k < K; k++) dw[n * K + k] = row[k];
  }
  return dw;
}

/** dBias = column sums of dY.  dy: [M, N] → [N] */
export function biasBackwardRef(dy: Float32Array, M: number, N: number): Float32Array {
  const acc = new Float64Array(N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) acc[n] += dy[m * N + n];
  return Float32Array.from(acc);
}

/**
 * RMSNorm backward. With inv = (mean(x²) + eps)^(-1/2) and y = x·inv·w:
 *   dw[h] = Σ_t dy·x·inv
 *   dx    = inv·(dy·w) − x · inv³ / H · Σ_h (dy·w·x)
 * x, dy: [T, H], weight: [H] → dx: [T, H], dweight: [H]
 */
export function rmsnormBackwardRef(x: Float32Array, weight: Float32Array, dy: Float32Array, T: number, H: number, eps: number): { dx: Float32Array; dweight: Float32Array } {
  const dx = new Float32Array(T * H);
  const dw = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    let ss = 0;
    let dot = 0;
    for (let h = 0; h < H; h++) {
      const xv = x[t * H + h];
      ss += xv * xv;
      dot += dy[t * H + h] * weight[h] * xv;
    }
    const inv = 1 / Math.sqrt(ss / H + eps);
    const coef = (inv * inv * inv * dot) / H;
    for (let h = 0; h < H; h++) {
      const xv = x[t * H + h];
      dx[t * H + h] = inv * dy[t * H + h] * weight[h] - xv * coef;
      dw[h] += dy[t * H + h] * xv * inv;
    }
  }
  return { dx, dweight: Float32Array.from(dw) };
}

/**
 * RoPE backward: the forward is a rotation of each (x[i], x[i + d/2]) pair, so the input gradient is
 * dy rotated by the opposite angle, i.e. RoPE at the negated positions.  dy: [T, nHeads · headDim], positions: [T] → dx
 */
export function ropeBackwardRef(dy: Float32Array, positions: ArrayLike<number>, nHeads: number, headDim: number, theta: number): Float32Array {
  return ropeRef(dy, Array.from(positions, (p) => -p), nHeads, headDim, theta);
}

/**
 * Causal GQA attention backward (same layout as attentionRef). With p = softmax(s), s_j = q·k_j / sqrt(d),
 * out = Σ_j p_j v_j:  dv_j += p_j·dout;  dp_j = dout·v_j;  ds_j = p_j (dp_j − Σ_i p_i dp_i);
 * dq = Σ_j ds_j k_j / sqrt(d);  dk_j += ds_j q / sqrt(d). Key/value gradients sum over the query heads of a group.
 * q, dout: [T, nHeads·d], k, v: [S, nKv·d], qPos: [T] → dq: [T, nHeads·d], dk, dv: [S, nKv·d]
 */
export function attentionBackwardRef(
  q: Float32Array, k: Float32Array, v: Float32Array, dout: Float32Array, qPos: ArrayLike<number>,
  nHeads: number, nKv: number, d: number,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array } {
  const T = qPos.length;
  const S = k.length / (nKv * d);
  const group = nHeads / nKv;
  const scale = 1 / Math.sqrt(d);
  const dq = new Float32Array(q.length);
  const dk = new Float64Array(S * nKv * d);
  const dv = new Float64Array(S * nKv * d);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < nHeads; h++) {
      const kvh = Math.floor(h / group);
      const visible = qPos[t] + 1;
      const qo = (t * nHeads + h) * d;
      const p = new Float64Array(visible);
      let max = -Infinity;
      for (let j = 0; j < visible; j++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += q[qo + i] * k[(j * nKv + kvh) * d + i];
        p[j] = s * scale;
        max = Math.max(max, p[j]);
      }
      let sum = 0;
      for (let j = 0; j < visible; j++) sum += (p[j] = Math.exp(p[j] - max));
      const dp = new Float64Array(visible);
      let pdp = 0;
      for (let j = 0; j < visible; j++) {
        p[j] /= sum;
        const ko = (j * nKv + kvh) * d;
        let acc = 0;
        for (let i = 0; i < d; i++) {
          acc += dout[qo + i] * v[ko + i];
          dv[ko + i] += p[j] * dout[qo + i];
        }
        dp[j] = acc;
        pdp += p[j] * acc;
      }
      const dqRow = new Float64Array(d);
      for (let j = 0; j < visible; j++) {
        const ds = p[j] * (dp[j] - pdp) * scale;
        const ko = (j * nKv + kvh) * d;
        for (let i = 0; i < d; i++) {
          dqRow[i] += ds * k[ko + i];
          dk[ko + i] += ds * q[qo + i];
        }
      }
      for (let i = 0; i < d; i++) dq[qo + i] = dqRow[i];
    }
  }
  return { dq, dk: Float32Array.from(dk), dv: Float32Array.from(dv) };
}

/**
 * SwiGLU backward. y = silu(g)·u with silu(g) = g·σ(g):
 *   dgate = dy · u · σ(g)·(1 + g·(1 − σ(g))),  dup = dy · silu(g).   gate, up, dy: [T, I]
 */
export function swigluBackwardRef(gate: Float32Array, up: Float32Array, dy: Float32Array): { dgate: Float32Array; dup: Float32Array } {
  const dgate = new Float32Array(gate.length);
  const dup = new Float32Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    dgate[i] = dy[i] * up[i] * sig * (1 + g * (1 - sig));
    dup[i] = dy[i] * g * sig;
  }
  return { dgate, dup };
}

/** Embedding backward: dtable[ids[t]] += dy[t] (rows of repeated ids add up).  dy: [T, H], ids: [T] → [V, H] */
export function embeddingBackwardRef(dy: Float32Array, ids: ArrayLike<number>, V: number, H: number): Float32Array {
  const acc = new Float64Array(V * H);
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`embeddingBackwardRef: id ${id} at row ${t} is outside [0, ${V})`);
    for (let h = 0; h < H; h++) acc[id * H + h] += dy[t * H + h];
  }
  return Float32Array.from(acc);
}

/**
 * Backward of the gathered log-softmax: with L = Σ_t g[t] · log softmax(logits[t])[target[t]],
 *   dlogits[t, v] = g[t] · (onehot(target[t])[v] − softmax(logits[t])[v]).
 * A row with g[t] = 0 (or target −1) gets a zero gradient.  logits: [T, V], targets, g: [T] → [T, V]
 */
export function gatherLogprobBackwardRef(logits: Float32Array, targets: ArrayLike<number>, g: ArrayLike<number>, V: number): Float32Array {
  const T = targets.length;
  const d = new Float32Array(T * V);
  for (let t = 0; t < T; t++) {
    const target = targets[t];
    if (target < 0 || g[t] === 0) continue;
    if (!Number.isInteger(target) || target >= V) throw new Error(`gatherLogprobBackwardRef: target ${target} at row ${t} is outside [0, ${V})`);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[t * V + v] - max);
    for (let v = 0; v < V; v++) d[t * V + v] = -g[t] * (Math.exp(logits[t * V + v] - max) / sum);
    d[t * V + target] += g[t];
  }
  return d;
}
