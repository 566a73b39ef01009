// Causal grouped-query attention over a KV cache, one layout for prefill, batched decode and training.
//   q:      [B, Tq, nH · d]   queries of B sequences, Tq per sequence
//   kCache: [B, S, nKv · d]   S slots per sequence; vCache the same
//   start:  u32 [B]           query (b, t) sits at position start[b] + t and attends keys 0 ..= start[b] + t
//   out:    [B, Tq, nH · d]   softmax(q·kᵀ / sqrt(d)) · v
//   lse:    [B, Tq, nH]       log Σ_j exp(q·k_j / sqrt(d)), for the backward pass
// Query head h reads key/value head floor(h / (nH / nKv)).
//
// attend: one workgroup of 64 threads per (b, t, h). Keys go by in chunks of 64, one key per thread
// (so a single decode query still keeps 64 threads busy): each thread scores its key, then the chunk is
// folded into a running softmax (Milakov & Gimelshein 2018, as in FlashAttention): m = max so far,
// l = Σ exp(s - m), acc = Σ exp(s - m) · v, rescaled by exp(m_old - m_new) when the max grows.
// Each thread owns output dims lid, lid + 64, ... (d ≤ 256).
// kv_write: copies new k, v [B, Tq, nKv · d] into the caches at slots start[b] + t (slots ≥ S are dropped).

struct Params { B: u32, Tq: u32, S: u32, nH: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;

const WG = 64u;
const MAXD = 256u;
const DIMS_PER_THREAD = 4u; // MAXD / WG

@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> kCache: array<f32>;
@group(0) @binding(3) var<storage, read> vCache: array<f32>;
@group(0) @binding(4) var<storage, read> start: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;

var<workgroup> qs: array<f32, MAXD>;
var<workgroup> chunk: array<f32, WG>;

@compute @workgroup_size(WG)
fn attend(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = wid.x + wid.y * nwg.x;
  if (idx >= p.B * p.Tq * p.nH) { return; }
  let h = idx % p.nH;
  let t = (idx / p.nH) % p.Tq;
  let b = idx / (p.nH * p.Tq);
  let kvh = h / (p.nH / p.nKv);
  let kvStride = p.nKv * p.d;
  let qBase = idx * p.d; // (b · Tq + t) · nH · d + h · d
  let nKeys = min(start[b] + t + 1u, p.S);
  let kvBase = b * p.S * kvStride + kvh * p.d;

  for (var i = lid; i < p.d; i += WG) { qs[i] = q[qBase + i] * p.scale; }
  workgroupBarrier();

  var m = -3.0e38;
  var l = 0.0;
  var acc: array<f32, DIMS_PER_THREAD>;
  for (var c0 = 0u; c0 < nKeys; c0 += WG) {
    let j = c0 + lid;
    var s = -3.0e38;
    if (j < nKeys) {
      let kRow = kvBase + j * kvStride;
      s = 0.0;
      for (var i = 0u; i < p.d; i++) { s += qs[i] * kCache[kRow + i]; }
    }
    chunk[lid] = s;
    workgroupBarrier();
    let count = min(WG, nKeys - c0);
    var cmax = m;
    for (var jj = 0u; jj < count; jj++) { cmax = max(cmax, chunk[jj]); }
    workgroupBarrier(); // all have read the scores before they become probabilities
    var pj = 0.0;
    if (j < nKeys) { pj = exp(s - cmax); }
    chunk[lid] = pj;
    workgroupBarrier();
    let corr = exp(m - cmax);
    var sum = 0.0;
    for (var jj = 0u; jj < count; jj++) { sum += chunk[jj]; }
    l = l * corr + sum;
    m = cmax;
    for (var r = 0u; r < DIMS_PER_THREAD; r++) {
      let dim = lid + r * WG;
      if (dim >= p.d) { break; }
      var a = acc[r] * corr;
      var vIdx = kvBase + c0 * kvStride + dim;
      for (var jj = 0u; jj < count; jj++) {
        a += chunk[jj] * vCache[vIdx];
        vIdx += kvStride;
      }
      acc[r] = a;
    }
    workgroupBarrier(); // the next chunk overwrites `chunk`
  }
  for (var r = 0u; r < DIMS_PER_THREAD; r++) {
    let dim = lid + r * WG;
    if (dim >= p.d) { break; }
    out[qBase + dim] = acc[r] / l;
  }
  if (lid == 0u) { lse[idx] = m + log(l); }
}

@group(0) @binding(1) var<storage, read> kNew: array<f32>;
@group(0) @binding(2) var<storage, read> vNew: array<f32>;
@group(0) @binding(3) var<storage, read> startW: array<u32>;
@group(0) @binding(4) var<storage, read_write> kOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> vOut: array<f32>;

@compute @workgroup_size(256)
fn kv_write(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  let kvStride = p.nKv * p.d;
  if (i >= p.B * p.Tq * kvStride) { return; }
  let e = i % kvStride;
  let t = (i / kvStride) % p.Tq;
  let b = i / (kvStride * p.Tq);
  let slot = startW[b] + t;
  if (slot >= p.S) { return; }
  let dst = (b * p.S + slot) * kvStride + e;
  kOut[dst] = kNew[i];
  vOut[dst] = vNew[i];
}
