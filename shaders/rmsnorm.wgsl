// RMSNorm (Zhang & Sennrich 2019): y = x / sqrt(mean(x²) + eps) · w.
// x: [T, H], w: [H] → y: [T, H]. Two ways to spread the work, same results up to f32 rounding:
// - main: one workgroup of 256 threads per row (row = wid.x + wid.y · nwg.x); each thread sums the squares of a
//   strided slice, then a shared-memory tree reduction (GPUs);
// - rows: one thread per row reading vec4s (H % 4 = 0), no barriers (software adapters, where a barrier is a
//   switch between all of a workgroup's threads).

struct Params { T: u32, H: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const WG = 256u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.T) { return; } // uniform per workgroup: the barriers below stay in uniform control flow
  let base = row * p.H;
  var ss = 0.0;
  for (var h = lid; h < p.H; h += WG) {
    let v = x[base + h];
    ss += v * v;
  }
  partial[lid] = ss;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride >>= 1u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  let inv = inverseSqrt(partial[0] / f32(p.H) + p.eps);
  for (var h = lid; h < p.H; h += WG) {
    y[base + h] = x[base + h] * inv * w[h];
  }
}

@group(0) @binding(1) var<storage, read> x4: array<vec4f>;
@group(0) @binding(2) var<storage, read> w4: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y4: array<vec4f>;

@compute @workgroup_size(64)
fn rows(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= p.T) { return; }
  let H4 = p.H / 4u;
  let base = row * H4;
  var ss = vec4f(0.0);
  for (var h = 0u; h < H4; h++) {
    let v = x4[base + h];
    ss += v * v;
  }
  let inv = inverseSqrt((ss.x + ss.y + ss.z + ss.w) / f32(p.H) + p.eps);
  for (var h = 0u; h < H4; h++) {
    y4[base + h] = x4[base + h] * inv * w4[h];
  }
}
