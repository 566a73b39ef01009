// Backward of the gathered log-softmax: with L = Σ_t g[t] · log softmax(logits[t])[target[t]],
//   dlogits[t, v] = g[t] · (onehot(target[t])[v] − exp(logits[t, v] − lse[t])).
// logits: [T, V], lse: [T] (from gather_logprob), targets: u32 [T] (≥ V: ignored row, zero gradient),
// g: [T] → dlogits: [T, V]. One thread per element (index = gid.x + gid.y · nwg.x · 256).

struct Params { T: u32, V: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> lse: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<u32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.T * p.V) { return; }
  let t = i / p.V;
  let v = i % p.V;
  let tgt = targets[t];
  var d = 0.0;
  if (tgt < p.V) {
    let onehot = select(0.0, 1.0, v == tgt);
    d = g[t] * (onehot - exp(logits[i] - lse[t]));
  }
  dlogits[i] = d;
}
