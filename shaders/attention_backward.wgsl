// Causal grouped-query attention backward over KV caches, recomputing the probabilities
// (no stored attention matrix). Forward: out = Σ_j p_j v_j, p = softmax(s), s_j = q · k_j · scale, where
// query t of sequence b sits at position start[b] + t and sees keys j ≤ start[b] + t; query head h
// reads key/value head h / (nHeads / nKv). With dp_j = dout · v_j and D = Σ_j p_j dp_j:
//   ds_j = p_j (dp_j − D),  dq = scale Σ_j ds_j k_j,  dk_j = scale Σ_(t,h) ds_j q,  dv_j = Σ_(t,h) p_j dout
// (FlashAttention-2, Dao 2023, algorithm 2, without tiling).
//   q, dout, dq: [B, Tq, nHeads · d];  k, v, dk, dv: [B, S, nKv · d];  start: u32 [B];  stats: [B, Tq, nHeads, 2] = (lse, D)
// dq_main:  one thread per (b, t, h): writes dq and the row statistics.
// dkv_main: one thread per (b, j, kv head): sums over the queries and the query heads of its group, so
//           every dk/dv element has a single writer (no atomics, no races). Rows of keys no query sees get 0.

struct Params { B: u32, Tq: u32, S: u32, nHeads: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> start: array<u32>;

const MAX_HEAD_DIM = 256u;
const WG = 64u;

fn qOffset(b: u32, t: u32, h: u32) -> u32 {
  return ((b * p.Tq + t) * p.nHeads + h) * p.d;
}

fn kvOffset(b: u32, j: u32, kvh: u32) -> u32 {
  return ((b * p.S + j) * p.nKv + kvh) * p.d;
}

fn score(qo: u32, ko: u32) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < p.d; i++) { s += q[qo + i] * k[ko + i]; }
  return s * p.scale;
}

fn doutDotV(qo: u32, ko: u32) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < p.d; i++) { s += dout[qo + i] * v[ko + i]; }
  return s;
}

@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> statsOut: array<f32>;

@compute @workgroup_size(WG)
fn dq_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * p.Tq * p.nHeads) { return; }
  let h = idx % p.nHeads;
  let t = (idx / p.nHeads) % p.Tq;
  let b = idx / (p.nHeads * p.Tq);
  let kvh = h / (p.nHeads / p.nKv);
  let visible = min(start[b] + t + 1u, p.S);
  let qo = qOffset(b, t, h);
  // pass 1: log-sum-exp of the scores (online max / sum)
  var m = -3.4e38;
  var l = 0.0;
  for (var j = 0u; j < visible; j++) {
    let s = score(qo, kvOffset(b, j, kvh));
    if (s > m) {
      l = l * exp(m - s) + 1.0;
      m = s;
    } else {
      l += exp(s - m);
    }
  }
  let lse = m + log(l);
  // pass 2: D = Σ_j p_j dp_j
  var D = 0.0;
  for (var j = 0u; j < visible; j++) {
    let ko = kvOffset(b, j, kvh);
    D += exp(score(qo, ko) - lse) * doutDotV(qo, ko);
  }
  // pass 3: dq = scale Σ_j p_j (dp_j − D) k_j
  var acc: array<f32, MAX_HEAD_DIM>;
  for (var i = 0u; i < p.d; i++) { acc[i] = 0.0; }
  for (var j = 0u; j < visible; j++) {
    let ko = kvOffset(b, j, kvh);
    let ds = exp(score(qo, ko) - lse) * (doutDotV(qo, ko) - D) * p.scale;
    for (var i = 0u; i < p.d; i++) { acc[i] += ds * k[ko + i]; }
  }
  for (var i = 0u; i < p.d; i++) { dq[qo + i] = acc[i]; }
  statsOut[idx * 2u] = lse;
  statsOut[idx * 2u + 1u] = D;
}

@group(0) @binding(6) var<storage, read> statsIn: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<f32>;
@group(0) @binding(8) var<storage, read_write> dv: array<f32>;

@compute @workgroup_size(WG)
fn dkv_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * p.S * p.nKv) { return; }
  let kvh = idx % p.nKv;
  let j = (idx / p.nKv) % p.S;
  let b = idx / (p.nKv * p.S);
  let group = p.nHeads / p.nKv;
  let ko = kvOffset(b, j, kvh);
  var accK: array<f32, MAX_HEAD_DIM>;
  var accV: array<f32, MAX_HEAD_DIM>;
  for (var i = 0u; i < p.d; i++) {
    accK[i] = 0.0;
    accV[i] = 0.0;
  }
  // queries t with start[b] + t ≥ j see key j
  let s0 = start[b];
  var t0 = 0u;
  if (j > s0) { t0 = j - s0; }
  for (var t = t0; t < p.Tq; t++) {
    for (var h = kvh * group; h < (kvh + 1u) * group; h++) {
      let qo = qOffset(b, t, h);
      let row = (b * p.Tq + t) * p.nHeads + h;
      let pj = exp(score(qo, ko) - statsIn[row * 2u]);
      let ds = pj * (doutDotV(qo, ko) - statsIn[row * 2u + 1u]) * p.scale;
      for (var i = 0u; i < p.d; i++) {
        accK[i] += ds * q[qo + i];
        accV[i] += pj * dout[qo + i];
      }
    }
  }
  for (var i = 0u; i < p.d; i++) {
    dk[ko + i] = accK[i];
    dv[ko + i] = accV[i];
  }
}
