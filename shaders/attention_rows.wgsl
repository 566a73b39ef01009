// Causal grouped-query attention without barriers, for software adapters (lavapipe, SwiftShader), which run
// workgroup barriers as expensive switches and have few cores to fill:
//   attend_rows:       a thread per query row (b, t, h);
//   attend_row_blocks: a thread per QPT query rows of one head (b, t .. t + QPT − 1, h), which share each key and
//                      value row the thread reads: QPT times fewer loads per score, which pays on lavapipe (it
//                      loads storage lane by lane). Rows past Tq repeat the last one and are never written.
// Same layout and results (up to f32 rounding) as `attend` in attention.wgsl:
//   q:      [B, Tq, nH · d]   start: u32 [B]: query (b, t) sits at position start[b] + t and sees keys 0 ..= it
//   kCache: [B, S, nKv · d]   vCache the same
//   out:    [B, Tq, nH · d]   softmax(q·kᵀ / sqrt(d)) · v
//   lse:    [B, Tq, nH]       log Σ_j exp(q·k_j / sqrt(d))
// Rows are read as vec4 (the wrapper requires d % 4 = 0). The running softmax (Milakov & Gimelshein 2018):
// m = max so far, l = Σ exp(s − m), acc = Σ exp(s − m) · v, rescaled by exp(m_old − m_new) when the max grows.

struct Params { B: u32, Tq: u32, S: u32, nH: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> kCache: array<vec4f>;
@group(0) @binding(3) var<storage, read> vCache: array<vec4f>;
@group(0) @binding(4) var<storage, read> start: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;

const WG = 64u;
// the head dim / 4, the row arrays' size: the wrapper writes the model's value in place of 64 (one pipeline per
// head dim), for small head dims bounds the loops `let d4 = p.d / 4u` by it, and sets the rows per thread of the
// block kernel (withHeadDim and rowsPerThread in attention.ts)
const D4 = 64u;
const QPT = 1u;

@compute @workgroup_size(WG)
fn attend_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * p.Tq * p.nH) { return; }
  let h = idx % p.nH;
  let t = (idx / p.nH) % p.Tq;
  let b = idx / (p.nH * p.Tq);
  let kvh = h / (p.nH / p.nKv);
  let d4 = p.d / 4u;
  let kvStride4 = p.nKv * d4;
  let qBase = idx * d4;
  let nKeys = min(start[b] + t + 1u, p.S);
  let kvBase = b * p.S * kvStride4 + kvh * d4;
  var qs: array<vec4f, D4>;
  var acc: array<vec4f, D4>;
  for (var i = 0u; i < d4; i++) {
    qs[i] = q[qBase + i] * p.scale;
    acc[i] = vec4f(0.0);
  }
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < nKeys; j++) {
    let row = kvBase + j * kvStride4;
    var s4 = vec4f(0.0);
    for (var i = 0u; i < d4; i++) { s4 += qs[i] * kCache[row + i]; }
    let s = s4.x + s4.y + s4.z + s4.w;
    if (s > m) {
      let corr = exp(m - s);
      l *= corr;
      for (var i = 0u; i < d4; i++) { acc[i] *= corr; }
      m = s;
    }
    let pj = exp(s - m);
    l += pj;
    for (var i = 0u; i < d4; i++) { acc[i] += pj * vCache[row + i]; }
  }
  for (var i = 0u; i < d4; i++) { out[qBase + i] = acc[i] / l; }
  lse[idx] = m + log(l);
}

@compute @workgroup_size(WG)
fn attend_row_blocks(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let blocks = (p.Tq + QPT - 1u) / QPT;
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.B * blocks * p.nH) { return; }
  let h = idx % p.nH;
  let t0 = ((idx / p.nH) % blocks) * QPT;
  let b = idx / (p.nH * blocks);
  let kvh = h / (p.nH / p.nKv);
  let d4 = p.d / 4u;
  let kvStride4 = p.nKv * d4;
  let kvBase = b * p.S * kvStride4 + kvh * d4;
  var qs: array<array<vec4f, D4>, QPT>;
  var acc: array<array<vec4f, D4>, QPT>;
  var m: array<f32, QPT>;
  var l: array<f32, QPT>;
  var keys: array<u32, QPT>; // keys seen by each query; rows past Tq repeat the last one (never written)
  for (var r = 0u; r < QPT; r++) {
    let t = min(t0 + r, p.Tq - 1u);
    let qBase = ((b * p.Tq + t) * p.nH + h) * d4;
    for (var i = 0u; i < d4; i++) {
      qs[r][i] = q[qBase + i] * p.scale;
      acc[r][i] = vec4f(0.0);
    }
    m[r] = -3.0e38;
    l[r] = 0.0;
    keys[r] = min(start[b] + t + 1u, p.S);
  }
  for (var j = 0u; j < keys[QPT - 1u]; j++) {
    let row = kvBase + j * kvStride4;
    var kr: array<vec4f, D4>;
    for (var i = 0u; i < d4; i++) { kr[i] = kCache[row + i]; }
    var pj: array<f32, QPT>;
    for (var r = 0u; r < QPT; r++) {
      var s4 = vec4f(0.0);
      for (var i = 0u; i < d4; i++) { s4 += qs[r][i] * kr[i]; }
      let seen = j < keys[r];
      let s = select(-3.0e38, s4.x + s4.y + s4.z + s4.w, seen);
      if (s > m[r]) {
        let corr = exp(m[r] - s);
        l[r] *= corr;
        for (var i = 0u; i < d4; i++) { acc[r][i] *= corr; }
        m[r] = s;
      }
      pj[r] = select(0.0, exp(s - m[r]), seen);
      l[r] += pj[r];
    }
    for (var i = 0u; i < d4; i++) {
      let vv = vCache[row + i];
      for (var r = 0u; r < QPT; r++) { acc[r][i] += pj[r] * vv; }
    }
  }
  for (var r = 0u; r < QPT; r++) {
    if (t0 + r >= p.Tq) { break; }
    let row = (b * p.Tq + t0 + r) * p.nH + h;
    for (var i = 0u; i < d4; i++) { out[row * d4 + i] = acc[r][i] / l[r]; }
    lse[row] = m[r] + log(l[r]);
  }
}
