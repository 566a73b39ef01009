// Elementwise ops on flat f32 arrays of n elements. One thread per element, 256 per workgroup;
// the grid may be 2-D when n/256 exceeds maxComputeWorkgroupsPerDimension.
//   add:   out = a + b
//   axpy:  y += alpha · x        (residual adds, gradient accumulation)
//   scale: out = alpha · a   (scale_inplace: a = alpha · a)
//   pad_cols: out[r, c] = c < cols ? a[r, c] : 0   (a: [rows, cols] → out: [rows, colsOut])

struct Params { n: u32, cols: u32, colsOut: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;

fn flatIndex(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * 256u;
}

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out3: array<f32>;

@compute @workgroup_size(256)
fn add(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i < p.n) { out3[i] = a[i] + b[i]; }
}

@group(0) @binding(2) var<storage, read_write> out2: array<f32>;

@compute @workgroup_size(256)
fn axpy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // a = x, out2 = y
  let i = flatIndex(gid, nwg);
  if (i < p.n) { out2[i] = out2[i] + p.alpha * a[i]; }
}

@compute @workgroup_size(256)
fn scale(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i < p.n) { out2[i] = p.alpha * a[i]; }
}

@group(0) @binding(1) var<storage, read_write> inout1: array<f32>;

@compute @workgroup_size(256)
fn scale_inplace(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flatIndex(gid, nwg);
  if (i < p.n) { inout1[i] = p.alpha * inout1[i]; }
}

@compute @workgroup_size(256)
fn pad_cols(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // n = rows · colsOut
  let i = flatIndex(gid, nwg);
  if (i >= p.n) { return; }
  let r = i / p.colsOut;
  let c = i % p.colsOut;
  var v = 0.0;
  if (c < p.cols) { v = a[r * p.cols + c]; }
  out2[i] = v;
}
