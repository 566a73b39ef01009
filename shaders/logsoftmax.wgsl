// Log-softmax over the vocabulary. log_softmax, gather_logprob: one workgroup of 256 threads per row
// (row = wid.x + wid.y · nwg.x; GPUs). Each thread runs an online max/sum-of-exp over a strided slice of the row
// (Milakov & Gimelshein 2018), then the 256 partial (max, sum) pairs are merged by a shared-memory tree reduction:
// lse = max + log(sum). The *_rows entry points: one thread per row running the online max/sum over the whole row,
// no barriers (software adapters, where a barrier is a switch between all of a workgroup's threads).
//   log_softmax:    logits: [T, V] → y: [T, V], y = logits - lse
//   gather_logprob: logits: [T, V], targets: u32 [T] → logp: [T] = logits[t, target] - lse, lse: [T];
//                   a target ≥ V (e.g. 0xffffffff for padding) gives logp = 0.

struct Params { T: u32, V: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;

const WG = 256u;
var<workgroup> wmax: array<f32, WG>;
var<workgroup> wsum: array<f32, WG>;

// The online (max, sum of exp(z - max)) over entries first, first + step, ... of row `row`.
fn maxSum(row: u32, first: u32, step: u32) -> vec2f {
  let base = row * p.V;
  var m = -3.4e38;
  var s = 0.0;
  for (var v = first; v < p.V; v += step) {
    let z = logits[base + v];
    if (z > m) {
      s = s * exp(m - z) + 1.0;
      m = z;
    } else {
      s += exp(z - m);
    }
  }
  return vec2f(m, s);
}

// The log-sum-exp of row `row`, identical in every thread of the workgroup.
fn rowLse(row: u32, lid: u32) -> f32 {
  let ms = maxSum(row, lid, WG);
  wmax[lid] = ms.x;
  wsum[lid] = ms.y;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      let m1 = wmax[lid];
      let m2 = wmax[lid + stride];
      let mm = max(m1, m2);
      wsum[lid] = wsum[lid] * exp(m1 - mm) + wsum[lid + stride] * exp(m2 - mm);
      wmax[lid] = mm;
    }
    workgroupBarrier();
  }
  let lse = wmax[0] + log(wsum[0]);
  workgroupBarrier(); // the shared arrays are reused by the next call
  return lse;
}

// The log-sum-exp of row `row` in one thread.
fn rowLseAlone(row: u32) -> f32 {
  let ms = maxSum(row, 0u, 1u);
  return ms.x + log(ms.y);
}

fn threadRow(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * 64u;
}

@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn log_softmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.T) { return; }
  let lse = rowLse(row, lid);
  let base = row * p.V;
  for (var v = lid; v < p.V; v += WG) {
    y[base + v] = logits[base + v] - lse;
  }
}

@compute @workgroup_size(64)
fn log_softmax_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = threadRow(gid, nwg);
  if (row >= p.T) { return; }
  let lse = rowLseAlone(row);
  let base = row * p.V;
  for (var v = 0u; v < p.V; v++) {
    y[base + v] = logits[base + v] - lse;
  }
}

@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> logp: array<f32>;
@group(0) @binding(4) var<storage, read_write> lseOut: array<f32>;

@compute @workgroup_size(WG)
fn gather_logprob(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.T) { return; }
  let lse = rowLse(row, lid);
  if (lid == 0u) {
    let tgt = targets[row];
    var lp = 0.0;
    if (tgt < p.V) { lp = logits[row * p.V + tgt] - lse; }
    logp[row] = lp;
    lseOut[row] = lse;
  }
}

@compute @workgroup_size(64)
fn gather_logprob_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = threadRow(gid, nwg);
  if (row >= p.T) { return; }
  let lse = rowLseAlone(row);
  let tgt = targets[row];
  var lp = 0.0;
  if (tgt < p.V) { lp = logits[row * p.V + tgt] - lse; }
  logp[row] = lp;
  lseOut[row] = lse;
}
