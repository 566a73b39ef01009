// RoPE backward, in place: the forward rotates each pair (x[i], x[i + d/2]) by angle
// pos · theta^(-2i/d) (Su et al. 2021, Hugging Face's rotate-half form), so the input gradient is the
// output gradient rotated by the opposite angle:  dx[i] = dy[i]·c + dy[i+d/2]·s,  dx[i+d/2] = dy[i+d/2]·c − dy[i]·s.
// dy: [T, nHeads · headDim] (overwritten with dx), positions: [T] (u32). One thread per (t, head, i < d/2).
// The angle is computed in f32 exactly as in rope.wgsl.

struct Params { T: u32, nHeads: u32, headDim: u32, theta: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> g: array<f32>;
@group(0) @binding(2) var<storage, read> positions: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * 256u;
  let half = p.headDim / 2u;
  let perRow = p.nHeads * half;
  if (idx >= p.T * perRow) { return; }
  let t = idx / perRow;
  let rem = idx % perRow;
  let h = rem / half;
  let i = rem % half;
  let invFreq = 1.0 / pow(p.theta, f32(2u * i) / f32(p.headDim));
  let angle = f32(positions[t]) * invFreq;
  let c = cos(angle);
  let s = sin(angle);
  let base = (t * p.nHeads + h) * p.headDim;
  let a = g[base + i];
  let b = g[base + i + half];
  g[base + i] = a * c + b * s;
  g[base + i + half] = b * c - a * s;
}
