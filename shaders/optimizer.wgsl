// The optimizer step on the GPU: global gradient norm (two reductions), then AdamW per tensor.
// AdamW: Loshchilov & Hutter 2019, in PyTorch's form (decoupled decay p ← p·(1 − lr·wd) before the Adam update).
// Gradient clipping as torch.nn.utils.clip_grad_norm_: g ← g · min(1, maxNorm / (‖g‖ + 1e-6)).
// A non-finite norm skips the step: parameters and moments stay as they were.

const WG: u32 = 256u;
const GROUPS_PER_TENSOR: u32 = 64u;

// ---- sumsq: partial sums of g² for one tensor ----
struct SumsqParams { n: u32, slot: u32 }   // slot: where this tensor's GROUPS_PER_TENSOR partials go
@group(0) @binding(0) var<uniform> sp: SumsqParams;
@group(0) @binding(1) var<storage, read> grad: array<f32>;            // [n]
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;  // [tensors · GROUPS_PER_TENSOR]
var<workgroup> acc: array<f32, WG>;

@compute @workgroup_size(WG)
fn sumsq(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  var s = 0.0;
  let stride = WG * GROUPS_PER_TENSOR;
  for (var i = wid.x * WG + lid.x; i < sp.n; i += stride) {
    let g = grad[i];
    s += g * g;
  }
  acc[lid.x] = s;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w >>= 1u) {
    if (lid.x < w) { acc[lid.x] += acc[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { partials[sp.slot * GROUPS_PER_TENSOR + wid.x] = acc[0]; }
}

// ---- sumsq_threads: the same partials without barriers, one workgroup of GROUPS_PER_TENSOR threads per tensor,
// each summing a strided slice (software adapters, where a barrier is a switch between all of a workgroup's threads)
@compute @workgroup_size(GROUPS_PER_TENSOR)
fn sumsq_threads(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < sp.n; i += GROUPS_PER_TENSOR) {
    let g = grad[i];
    s += g * g;
  }
  partials[sp.slot * GROUPS_PER_TENSOR + lid.x] = s;
}

// ---- finish_norm: stats = [‖g‖², clip scale, 1 if finite else 0, ‖g‖] ----
struct NormParams { count: u32, max_norm: f32 }   // count: number of partials; max_norm <= 0 disables clipping
@group(0) @binding(0) var<uniform> np: NormParams;
@group(0) @binding(1) var<storage, read> all_partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;     // [4]

@compute @workgroup_size(WG)
fn finish_norm(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < np.count; i += WG) { s += all_partials[i]; }
  acc[lid.x] = s;
  workgroupBarrier();
  for (var w = WG / 2u; w > 0u; w >>= 1u) {
    if (lid.x < w) { acc[lid.x] += acc[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    let total = acc[0];
    let norm = sqrt(total);
    // Inf and NaN have an all-ones exponent; test the bits, since compilers may assume floats are finite.
    let finite = (bitcast<u32>(total) & 0x7f800000u) != 0x7f800000u;
    var scale = 1.0;
    if (np.max_norm > 0.0 && finite) { scale = min(1.0, np.max_norm / (norm + 1e-6)); }
    stats[0] = total;
    stats[1] = scale;
    stats[2] = select(0.0, 1.0, finite);
    stats[3] = norm;
  }
}

// ---- adamw: one tensor ----
struct AdamParams {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  bias_correction1: f32,   // 1 − beta1^t
  bias_correction2: f32,   // 1 − beta2^t
}
@group(0) @binding(0) var<uniform> ap: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;    // [n]
@group(0) @binding(2) var<storage, read> g_in: array<f32>;           // [n]
@group(0) @binding(3) var<storage, read_write> m: array<f32>;        // [n] first moment
@group(0) @binding(4) var<storage, read_write> v: array<f32>;        // [n] second moment
@group(0) @binding(5) var<storage, read> norm_stats: array<f32>;     // [4] from finish_norm

@compute @workgroup_size(WG)
fn adamw(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  if (norm_stats[2] == 0.0) { return; }  // non-finite gradients: skip the step
  let scale = norm_stats[1];
  let stride = nwg.x * WG;
  for (var i = gid.x; i < ap.n; i += stride) {
    let g = g_in[i] * scale;
    let mi = ap.beta1 * m[i] + (1.0 - ap.beta1) * g;
    let vi = ap.beta2 * v[i] + (1.0 - ap.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    let denom = sqrt(vi / ap.bias_correction2) + ap.eps;
    param[i] = param[i] * (1.0 - ap.lr * ap.weight_decay) - ap.lr * (mi / ap.bias_correction1) / denom;
  }
}
