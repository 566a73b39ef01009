// SwiGLU (Shazeer 2020): y = silu(gate) · up, silu(g) = g / (1 + e^-g).
//   swiglu:       gate, up: [T, I] (two buffers) → y: [T, I]
//   swiglu_fused: gu: [T, 2I], gate in columns [0, I), up in [I, 2I) (the output of one fused
//                 gate/up matmul whose weight stacks gate_proj over up_proj) → y: [T, I]
// One thread per output element.

struct Params { n: u32, I: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read_write> y3: array<f32>;

fn silu(g: f32) -> f32 {
  return g / (1.0 + exp(-g));
}

@compute @workgroup_size(256)
fn swiglu(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i < p.n) { y3[i] = silu(gate[i]) * up[i]; }
}

@group(0) @binding(2) var<storage, read_write> y2: array<f32>;

@compute @workgroup_size(256)
fn swiglu_fused(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  // gate binds the fused [T, 2I] buffer
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  let t = i / p.I;
  let j = i % p.I;
  y2[i] = silu(gate[t * 2u * p.I + j]) * gate[t * 2u * p.I + p.I + j];
}
