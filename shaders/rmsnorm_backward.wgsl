// RMSNorm backward (forward: y = x · inv · w, inv = (mean(x²) + eps)^(-1/2), Zhang & Sennrich 2019):
//   dx = inv · (dy · w) − x · inv³ / H · Σ_h (dy · w · x)        (per row)
//   dw = Σ_t dy · x · inv                                           (per column)
// dx:      x, dy: [T, H], w: [H] → dx: [T, H] and inv: [T] (kept for dweight). dx_main: one workgroup of 256
//          threads per row (row = wid.x + wid.y · nwg.x), shared-memory tree reductions (GPUs); dx_rows: one
//          thread per row reading vec4s (H % 4 = 0), no barriers (software adapters).
// dweight: x, dy: [T, H], inv: [T] → dw: [H] (written, or added when p.accumulate = 1). One thread per column.

struct Params { T: u32, H: u32, eps: f32, accumulate: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;

const WG = 256u;
var<workgroup> sumSq: array<f32, WG>;
var<workgroup> sumDot: array<f32, WG>;

@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(5) var<storage, read_write> invOut: array<f32>;

@compute @workgroup_size(WG)
fn dx_main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.T) { return; } // uniform per workgroup: the barriers stay in uniform control flow
  let base = row * p.H;
  var ss = 0.0;
  var dot = 0.0;
  for (var h = lid; h < p.H; h += WG) {
    let v = x[base + h];
    ss += v * v;
    dot += dy[base + h] * w[h] * v;
  }
  sumSq[lid] = ss;
  sumDot[lid] = dot;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      sumSq[lid] += sumSq[lid + stride];
      sumDot[lid] += sumDot[lid + stride];
    }
    workgroupBarrier();
  }
  let inv = inverseSqrt(sumSq[0] / f32(p.H) + p.eps);
  let coef = inv * inv * inv * sumDot[0] / f32(p.H);
  for (var h = lid; h < p.H; h += WG) {
    dx[base + h] = inv * dy[base + h] * w[h] - x[base + h] * coef;
  }
  if (lid == 0u) { invOut[row] = inv; }
}

@group(0) @binding(1) var<storage, read> x4: array<vec4f>;
@group(0) @binding(2) var<storage, read> w4: array<vec4f>;
@group(0) @binding(3) var<storage, read> dy4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dx4: array<vec4f>;

@compute @workgroup_size(64)
fn dx_rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= p.T) { return; }
  let H4 = p.H / 4u;
  let base = row * H4;
  var ss = vec4f(0.0);
  var dot = vec4f(0.0);
  for (var h = 0u; h < H4; h++) {
    let v = x4[base + h];
    ss += v * v;
    dot += dy4[base + h] * w4[h] * v;
  }
  let inv = inverseSqrt((ss.x + ss.y + ss.z + ss.w) / f32(p.H) + p.eps);
  let coef = inv * inv * inv * (dot.x + dot.y + dot.z + dot.w) / f32(p.H);
  for (var h = 0u; h < H4; h++) {
    dx4[base + h] = inv * dy4[base + h] * w4[h] - x4[base + h] * coef;
  }
  invOut[row] = inv;
}

@group(0) @binding(2) var<storage, read> invIn: array<f32>;
@group(0) @binding(4) var<storage, read_write> dw: array<f32>;

@compute @workgroup_size(64)
fn dweight_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let h = gid.x + gid.y * nwg.x * 64u;
  if (h >= p.H) { return; }
  var acc = 0.0;
  for (var t = 0u; t < p.T; t++) {
    acc += dy[t * p.H + h] * x[t * p.H + h] * invIn[t];
  }
  if (p.accumulate != 0u) { acc += dw[h]; }
  dw[h] = acc;
}
