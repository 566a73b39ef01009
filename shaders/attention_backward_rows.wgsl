// Causal grouped-query attention backward, one thread per row, reading rows as vec4 (head dim d % 4 = 0): the
// software adapters' variant of dq_rows_main / dkv_rows_main in attention_backward.wgsl (same math, bindings and
// outputs; that file's header has the formulas). The thread's own row (q and dout, or k and v) is kept in
// registers, so each visible row of the other side is read once per pass.
//   q, dout, dq: [B, Tq, nHeads · d];  k, v, dk, dv: [B, S, nKv · d];  start: u32 [B];  stats: [B, Tq, nHeads, 2] = (lse, D)

struct Params { B: u32, Tq: u32, S: u32, nHeads: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> k: array<vec4f>;
@group(0) @binding(3) var<storage, read> v: array<vec4f>;
@group(0) @binding(4) var<storage, read> dout: array<vec4f>;
@group(0) @binding(5) var<storage, read> start: array<u32>;

const WG = 64u;
// the head dim / 4, the row arrays' size: the wrapper writes the model's value in place of 64 (one pipeline per
// head dim), and for small head dims bounds the loops `let d4 = p.d / 4u` by it (withHeadDim in attention.ts)
const D4 = 64u;
const NEG_BIG = -3.4e38;

fn sum4(x: vec4f) -> f32 {
  return x.x + x.y + x.z + x.w;
}

// folds a score s (with its dp) into the online (max, Σ e^(s − max), Σ e^(s − max) · dp)
fn foldScore(st: vec3f, s: f32, dp: f32) -> vec3f {
  if (s > st.x) {
    let r = exp(st.x - s);
    return vec3f(s, st.y * r + 1.0, st.z * r + dp);
  }
  let e = exp(s - st.x);
  return vec3f(st.x, st.y + e, st.z + e * dp);
}

@group(0) @binding(6) var<storage, read_write> dq: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> statsOut: array<f32>;

@compute @workgroup_size(WG)
fn dq_rows4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.B * p.Tq * p.nHeads) { return; }
  let h = row % p.nHeads;
  let t = (row / p.nHeads) % p.Tq;
  let b = row / (p.nHeads * p.Tq);
  let kvh = h / (p.nHeads / p.nKv);
  let visible = min(start[b] + t + 1u, p.S);
  let d4 = p.d / 4u;
  let qo = row * d4;
  let kvStride4 = p.nKv * d4;
  let kvBase = b * p.S * kvStride4 + kvh * d4;
  var qr: array<vec4f, D4>;
  var gr: array<vec4f, D4>;
  var acc: array<vec4f, D4>;
  for (var i = 0u; i < d4; i++) {
    qr[i] = q[qo + i] * p.scale;
    gr[i] = dout[qo + i];
    acc[i] = vec4f(0.0);
  }
  // pass 1: the online statistics give lse and D in one sweep
  var st = vec3f(NEG_BIG, 0.0, 0.0);
  for (var j = 0u; j < visible; j++) {
    let ko = kvBase + j * kvStride4;
    var s = vec4f(0.0);
    var dp = vec4f(0.0);
    for (var i = 0u; i < d4; i++) {
      s += qr[i] * k[ko + i];
      dp += gr[i] * v[ko + i];
    }
    st = foldScore(st, sum4(s), sum4(dp));
  }
  let lse = st.x + log(st.y);
  let D = st.z / st.y;
  // pass 2: dq = scale Σ_j p_j (dp_j − D) k_j
  for (var j = 0u; j < visible; j++) {
    let ko = kvBase + j * kvStride4;
    var s = vec4f(0.0);
    var dp = vec4f(0.0);
    for (var i = 0u; i < d4; i++) {
      s += qr[i] * k[ko + i];
      dp += gr[i] * v[ko + i];
    }
    let ds = exp(sum4(s) - lse) * (sum4(dp) - D) * p.scale;
    for (var i = 0u; i < d4; i++) { acc[i] += ds * k[ko + i]; }
  }
  for (var i = 0u; i < d4; i++) { dq[qo + i] = acc[i]; }
  statsOut[row * 2u] = lse;
  statsOut[row * 2u + 1u] = D;
}

@group(0) @binding(6) var<storage, read> statsIn: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> dv: array<vec4f>;

@compute @workgroup_size(WG)
fn dkv_rows4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let key = gid.x + gid.y * nwg.x * WG;
  if (key >= p.B * p.S * p.nKv) { return; }
  let kvh = key % p.nKv;
  let j = (key / p.nKv) % p.S;
  let b = key / (p.nKv * p.S);
  let group = p.nHeads / p.nKv;
  let d4 = p.d / 4u;
  let ko = key * d4;
  var kr: array<vec4f, D4>;
  var vr: array<vec4f, D4>;
  var accK: array<vec4f, D4>;
  var accV: array<vec4f, D4>;
  for (var i = 0u; i < d4; i++) {
    kr[i] = k[ko + i] * p.scale;
    vr[i] = v[ko + i];
    accK[i] = vec4f(0.0);
    accV[i] = vec4f(0.0);
  }
  // queries t with start[b] + t ≥ j see key j
  let s0 = start[b];
  var t0 = 0u;
  if (j > s0) { t0 = j - s0; }
  for (var t = t0; t < p.Tq; t++) {
    for (var h = kvh * group; h < (kvh + 1u) * group; h++) {
      let qr = (b * p.Tq + t) * p.nHeads + h;
      let qo = qr * d4;
      var s = vec4f(0.0);
      var dp = vec4f(0.0);
      for (var i = 0u; i < d4; i++) {
        s += q[qo + i] * kr[i];
        dp += dout[qo + i] * vr[i];
      }
      let pj = exp(sum4(s) - statsIn[qr * 2u]);
      let ds = pj * (sum4(dp) - statsIn[qr * 2u + 1u]) * p.scale;
      for (var i = 0u; i < d4; i++) {
        accK[i] += ds * q[qo + i];
        accV[i] += pj * dout[qo + i];
      }
    }
  }
  for (var i = 0u; i < d4; i++) {
    dk[ko + i] = accK[i];
    dv[ko + i] = accV[i];
  }
}
