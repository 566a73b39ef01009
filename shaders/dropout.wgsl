// Inverted dropout with a counter-based mask: element i of call `seed` is kept when
// hash(seed, i) ≥ p·2³², and kept values are scaled by 1 / (1 − p). The mask is a pure function of
// (seed, i), so the backward pass recomputes it instead of storing it (same kernel on the gradient).
//   y: [n] = dropout(x: [n])

struct Params { n: u32, seed: u32, threshold: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// PCG hash (Jarzynski & Olano 2020, "Hash Functions for GPU Rendering").
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.n) { return; }
  let keep = pcg(i ^ pcg(p.seed)) >= p.threshold;
  y[i] = select(0.0, x[i] * p.scale, keep);
}
