// Causal grouped-query attention backward, one thread per row, reading rows as vec4 (head dim d % 4 = 0): the
// software adapters' variant of dq_rows_main / dkv_rows_main in attention_backward.wgsl (same math, bindings and
// outputs; that file's header has the formulas). The thread's own row (q and dout, or k and v) is kept in
// registers, so each visible row of the other side is read once per pass.
// dq_row_blocks / dkv_row_blocks: a thread owns QPT rows of one head (queries t .. t + QPT − 1, or keys
// j .. j + QPT − 1) that share each row of the other side it reads: QPT times fewer loads per score, which pays on
// lavapipe (it loads storage lane by lane). Rows past the end repeat the last one and are never written.
// KNOWN_STATS (the dq kernels): the forward pass's lse and output o are bound, so lse is read and D = dout · o per
// row and head (FlashAttention-2, Dao 2023: D = Σ_j p_j dp_j = dout · Σ_j p_j v_j), which saves the first sweep
// over the keys.
//   q, dout, dq, o: [B, Tq, nHeads · d];  k, v, dk, dv: [B, S, nKv · d];  start: u32 [B];  lseIn: [B, Tq, nHeads];
//   stats: [B, Tq, nHeads, 2] = (lse, D)

struct Params { B: u32, Tq: u32, S: u32, nHeads: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> k: array<vec4f>;
@group(0) @binding(3) var<storage, read> v: array<vec4f>;
@group(0) @binding(4) var<storage, read> dout: array<vec4f>;
@group(0) @binding(5) var<storage, read> start: array<u32>;

const WG = 64u;
// the head dim / 4, the row arrays' size: the wrapper writes the model's value in place of 64 (one pipeline per
// head dim), for small head dims bounds the loops `let d4 = p.d / 4u` by it, and sets the rows per thread of the
// block kernels (withHeadDim and rowsPerThread in attention.ts)
const D4 = 64u;
const QPT = 1u;
const NEG_BIG = -3.4e38;
override KNOWN_STATS: bool = false;

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
@group(0) @binding(8) var<storage, read> lseIn: array<f32>;
@group(0) @binding(9) var<storage, read> o: array<vec4f>;

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
  var lse: f32;
  var D: f32;
  if (KNOWN_STATS) {
    lse = lseIn[row];
    var dd = vec4f(0.0);
    for (var i = 0u; i < d4; i++) { dd += gr[i] * o[qo + i]; }
    D = sum4(dd);
  } else {
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
    lse = st.x + log(st.y);
    D = st.z / st.y;
  }
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

@compute @workgroup_size(WG)
fn dq_row_blocks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let blocks = (p.Tq + QPT - 1u) / QPT;
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * blocks * p.nHeads) { return; }
  let h = idx % p.nHeads;
  let t0 = ((idx / p.nHeads) % blocks) * QPT;
  let b = idx / (p.nHeads * blocks);
  let kvh = h / (p.nHeads / p.nKv);
  let d4 = p.d / 4u;
  let kvStride4 = p.nKv * d4;
  let kvBase = b * p.S * kvStride4 + kvh * d4;
  var qr: array<array<vec4f, D4>, QPT>;
  var gr: array<array<vec4f, D4>, QPT>;
  var acc: array<array<vec4f, D4>, QPT>;
  var visible: array<u32, QPT>;
  for (var r = 0u; r < QPT; r++) {
    let t = min(t0 + r, p.Tq - 1u);
    let qo = ((b * p.Tq + t) * p.nHeads + h) * d4;
    for (var i = 0u; i < d4; i++) {
      qr[r][i] = q[qo + i] * p.scale;
      gr[r][i] = dout[qo + i];
      acc[r][i] = vec4f(0.0);
    }
    visible[r] = min(start[b] + t + 1u, p.S);
  }
  let keys = visible[QPT - 1u];
  var lse: array<f32, QPT>;
  var D: array<f32, QPT>;
  if (KNOWN_STATS) {
    for (var r = 0u; r < QPT; r++) {
      let row = (b * p.Tq + min(t0 + r, p.Tq - 1u)) * p.nHeads + h;
      lse[r] = lseIn[row];
      var dd = vec4f(0.0);
      for (var i = 0u; i < d4; i++) { dd += gr[r][i] * o[row * d4 + i]; }
      D[r] = sum4(dd);
    }
  } else {
    // pass 1: the online statistics give lse and D in one sweep
    var st: array<vec3f, QPT>;
    for (var r = 0u; r < QPT; r++) { st[r] = vec3f(NEG_BIG, 0.0, 0.0); }
    for (var j = 0u; j < keys; j++) {
      let ko = kvBase + j * kvStride4;
      var kr: array<vec4f, D4>;
      var vr: array<vec4f, D4>;
      for (var i = 0u; i < d4; i++) {
        kr[i] = k[ko + i];
        vr[i] = v[ko + i];
      }
      for (var r = 0u; r < QPT; r++) {
        if (j >= visible[r]) { continue; }
        var s = vec4f(0.0);
        var dp = vec4f(0.0);
        for (var i = 0u; i < d4; i++) {
          s += qr[r][i] * kr[i];
          dp += gr[r][i] * vr[i];
        }
        st[r] = foldScore(st[r], sum4(s), sum4(dp));
      }
    }
    for (var r = 0u; r < QPT; r++) {
      lse[r] = st[r].x + log(st[r].y);
      D[r] = st[r].z / st[r].y;
    }
  }
  // pass 2: dq = scale Σ_j p_j (dp_j − D) k_j
  for (var j = 0u; j < keys; j++) {
    let ko = kvBase + j * kvStride4;
    var kr: array<vec4f, D4>;
    var vr: array<vec4f, D4>;
    for (var i = 0u; i < d4; i++) {
      kr[i] = k[ko + i];
      vr[i] = v[ko + i];
    }
    for (var r = 0u; r < QPT; r++) {
      if (j >= visible[r]) { continue; }
      var s = vec4f(0.0);
      var dp = vec4f(0.0);
      for (var i = 0u; i < d4; i++) {
        s += qr[r][i] * kr[i];
        dp += gr[r][i] * vr[i];
      }
      let ds = exp(sum4(s) - lse[r]) * (sum4(dp) - D[r]) * p.scale;
      for (var i = 0u; i < d4; i++) { acc[r][i] += ds * kr[i]; }
    }
  }
  for (var r = 0u; r < QPT; r++) {
    if (t0 + r >= p.Tq) { break; }
    let row = (b * p.Tq + t0 + r) * p.nHeads + h;
    for (var i = 0u; i < d4; i++) { dq[row * d4 + i] = acc[r][i]; }
    statsOut[row * 2u] = lse[r];
    statsOut[row * 2u + 1u] = D[r];
  }
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

@compute @workgroup_size(WG)
fn dkv_row_blocks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let blocks = (p.S + QPT - 1u) / QPT;
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * blocks * p.nKv) { return; }
  let kvh = idx % p.nKv;
  let j0 = ((idx / p.nKv) % blocks) * QPT;
  let b = idx / (p.nKv * blocks);
  let group = p.nHeads / p.nKv;
  let d4 = p.d / 4u;
  var kr: array<array<vec4f, D4>, QPT>;
  var vr: array<array<vec4f, D4>, QPT>;
  var accK: array<array<vec4f, D4>, QPT>;
  var accV: array<array<vec4f, D4>, QPT>;
  var keyOf: array<u32, QPT>;
  for (var r = 0u; r < QPT; r++) {
    keyOf[r] = min(j0 + r, p.S - 1u);
    let ko = ((b * p.S + keyOf[r]) * p.nKv + kvh) * d4;
    for (var i = 0u; i < d4; i++) {
      kr[r][i] = k[ko + i] * p.scale;
      vr[r][i] = v[ko + i];
      accK[r][i] = vec4f(0.0);
      accV[r][i] = vec4f(0.0);
    }
  }
  // queries t with start[b] + t ≥ j see key j: the first key (the smallest) is seen from t0 on
  let s0 = start[b];
  var t0 = 0u;
  if (j0 > s0) { t0 = j0 - s0; }
  for (var t = t0; t < p.Tq; t++) {
    for (var h = kvh * group; h < (kvh + 1u) * group; h++) {
      let row = (b * p.Tq + t) * p.nHeads + h;
      let qo = row * d4;
      var qv: array<vec4f, D4>;
      var gv: array<vec4f, D4>;
      for (var i = 0u; i < d4; i++) {
        qv[i] = q[qo + i];
        gv[i] = dout[qo + i];
      }
      let lse = statsIn[row * 2u];
      let D = statsIn[row * 2u + 1u];
      for (var r = 0u; r < QPT; r++) {
        if (s0 + t < keyOf[r]) { continue; }
        var s = vec4f(0.0);
        var dp = vec4f(0.0);
        for (var i = 0u; i < d4; i++) {
          s += qv[i] * kr[r][i];
          dp += gv[i] * vr[r][i];
        }
        let pj = exp(sum4(s) - lse);
        let ds = pj * (sum4(dp) - D) * p.scale;
        for (var i = 0u; i < d4; i++) {
          accK[r][i] += ds * qv[i];
          accV[r][i] += pj * gv[i];
        }
      }
    }
  }
  for (var r = 0u; r < QPT; r++) {
    if (j0 + r >= p.S) { break; }
    let ko = ((b * p.S + j0 + r) * p.nKv + kvh) * d4;
    for (var i = 0u; i < d4; i++) {
      dk[ko + i] = accK[r][i];
      dv[ko + i] = accV[r][i];
    }
  }
}
