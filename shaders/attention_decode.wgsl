// Causal grouped-query attention over a KV cache with one thread per query row (b, t, h) and no barriers: the
// variant for decode steps on software adapters (lavapipe, SwiftShader), where a workgroup barrier is a switch
// between threads and attention.wgsl's 64-thread workgroup per query spends most of its time in them
// (tiny-math, batch 64: 13 ms of a 105 ms decode step per layer's attention, CPU time on lavapipe).
// Same layout and results as attention.wgsl's attend:
//   q: [B, Tq, nH · d], kCache/vCache: [B, S, nKv · d], start: u32 [B] → out: [B, Tq, nH · d], lse: [B, Tq, nH]
// query (b, t) sits at position start[b] + t and attends keys 0 ..= start[b] + t; head h reads kv head h / (nH / nKv).
// Online softmax key by key (Milakov & Gimelshein 2018): m = running max, l = Σ exp(s - m), acc = Σ exp(s - m) · v.

struct Params { B: u32, Tq: u32, S: u32, nH: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> kCache: array<f32>;
@group(0) @binding(3) var<storage, read> vCache: array<f32>;
@group(0) @binding(4) var<storage, read> start: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;

const WG = 64u;
const MAXD = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.x + wid.y * nwg.x) * WG + lid;
  if (idx >= p.B * p.Tq * p.nH) { return; }
  let h = idx % p.nH;
  let t = (idx / p.nH) % p.Tq;
  let b = idx / (p.nH * p.Tq);
  let kvh = h / (p.nH / p.nKv);
  let kvStride = p.nKv * p.d;
  let qBase = idx * p.d; // (b · Tq + t) · nH · d + h · d
  let nKeys = min(start[b] + t + 1u, p.S);
  let kvBase = b * p.S * kvStride + kvh * p.d;

  var acc: array<f32, MAXD>;
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < nKeys; j++) {
    let row = kvBase + j * kvStride;
    var s = 0.0;
    for (var i = 0u; i < p.d; i++) { s += q[qBase + i] * kCache[row + i]; }
    s *= p.scale;
    let mNew = max(m, s);
    let corr = exp(m - mNew);
    let pj = exp(s - mNew);
    l = l * corr + pj;
    for (var i = 0u; i < p.d; i++) { acc[i] = acc[i] * corr + pj * vCache[row + i]; }
    m = mNew;
  }
  for (var i = 0u; i < p.d; i++) { out[qBase + i] = acc[i] / l; }
  lse[idx] = m + log(l);
}
