// SwiGLU backward (forward: y = silu(g) · u, silu(g) = g · σ(g), Shazeer 2020):
//   dgate = dy · u · σ(g) · (1 + g · (1 − σ(g))),   dup = dy · silu(g)
//   swiglu_backward:       gate, up, dy: [T, I] → dgate, dup: [T, I]
//   swiglu_fused_backward: gu: [T, 2I] (gate in columns [0, I), up in [I, 2I)), dy: [T, I] → dgu: [T, 2I]
// One thread per element of dy.

struct Params { n: u32, I: u32 }
@group(0) @binding(0) var<uniform> p: Params;

fn sigmoid(g: f32) -> f32 {
  return 1.0 / (1.0 + exp(-g));
}

fn dGate(g: f32, u: f32, d: f32) -> f32 {
  let s = sigmoid(g);
  return d * u * s * (1.0 + g * (1.0 - s));
}

@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read> dy3: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgate: array<f32>;
@group(0) @binding(5) var<storage, read_write> dup: array<f32>;

@compute @workgroup_size(256)
fn swiglu_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  let g = gate[i];
  let d = dy3[i];
  dgate[i] = dGate(g, up[i], d);
  dup[i] = d * g * sigmoid(g);
}

@group(0) @binding(1) var<storage, read> gu: array<f32>;
@group(0) @binding(2) var<storage, read> dy2: array<f32>;
@group(0) @binding(3) var<storage, read_write> dgu: array<f32>;

@compute @workgroup_size(256)
fn swiglu_fused_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  let t = i / p.I;
  let c = i % p.I;
  let gi = t * 2u * p.I + c;
  let g = gu[gi];
  let u = gu[gi + p.I];
  let d = dy2[i];
  dgu[gi] = dGate(g, u, d);
  dgu[gi + p.I] = d * g * sigmoid(g);
}
