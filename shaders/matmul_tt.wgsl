// General f32 matmul between activations: C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] (+ C).
// op(A) = A [M, K] or Aᵀ with A [K, M]; op(B) = B [K, N] or Bᵀ with B [N, K]. The wrapper turns the
// transposes into strides: op(A)[m, k] = a[m · aM + k · aK], op(B)[k, n] = b[k · bK + n · bN].
// Uses: LoRA's x·Aᵀ then ·Bᵀ, weight gradients dW = dYᵀ · X, attention-free products.
// Each thread computes a 4×4 block of C as 16 f32 accumulators (outer products over k).
// Grid: [ceil(N/4)/8, ceil(M/4)/8].

struct Params { M: u32, N: u32, K: u32, aM: u32, aK: u32, bK: u32, bN: u32, accumulate: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= p.N || m0 >= p.M) { return; }
  // rows/columns past the edge read the last valid one (never written back)
  let am = vec4u(min(m0, p.M - 1u), min(m0 + 1u, p.M - 1u), min(m0 + 2u, p.M - 1u), min(m0 + 3u, p.M - 1u)) * p.aM;
  let bn = vec4u(min(n0, p.N - 1u), min(n0 + 1u, p.N - 1u), min(n0 + 2u, p.N - 1u), min(n0 + 3u, p.N - 1u)) * p.bN;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.aK;
    let bk = k * p.bK;
    let bv = vec4f(b[bk + bn.x], b[bk + bn.y], b[bk + bn.z], b[bk + bn.w]);
    acc0 += a[am.x + ak] * bv;
    acc1 += a[am.y + ak] * bv;
    acc2 += a[am.z + ak] * bv;
    acc3 += a[am.w + ak] * bv;
  }
  let acc = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= p.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + j;
      if (n >= p.N) { break; }
      var v = p.alpha * acc[i][j];
      if (p.accumulate != 0u) { v += c[m * p.N + n]; }
      c[m * p.N + n] = v;
    }
  }
}
