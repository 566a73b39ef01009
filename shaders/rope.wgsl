// RoPE (Su et al. 2021) in Hugging Face's rotate-half form, in place:
// for i < d/2 the pair (x[i], x[i + d/2]) of every head is rotated by angle pos · theta^(-2i/d).
// x: [T, nHeads · headDim], positions: [T] (u32). One thread per (t, head, i < d/2).
// The inverse frequency and the angle are computed in f32, as Hugging Face does.
// DIRECTION = −1 rotates by the opposite angle: the backward pass (dx = R(−angle)·dy, R being orthogonal).

override DIRECTION: f32 = 1.0;

struct Params { T: u32, nHeads: u32, headDim: u32, theta: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
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
  let s = DIRECTION * sin(angle);
  let base = (t * p.nHeads + h) * p.headDim;
  let a = x[base + i];
  let b = x[base + i + half];
  x[base + i] = a * c - b * s;
  x[base + i + half] = b * c + a * s;
}
