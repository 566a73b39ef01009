// Input gradient of a linear layer with a frozen weight: dX[M, K] = dY[M, N] · W[N, K] (not Wᵀ), with
// W dequantized on the fly exactly as in matmul.wgsl (layouts in src/engine/quant.ts), accumulation in f32.
// W is one part of a GpuWeight: rows rowStart .. rowStart + rows of the full weight, so this dispatch sums
// over those N-indices only; the wrapper runs one dispatch per part, the later ones accumulating.
//   0 f32: wv[row · stride + k4]                          (stride in vec4)
//   1 q8:  4 int8 in wu[row · stride + k4] · scale[group]  (stride in u32 words)
//   2 q4:  4 nibbles of wu[row · stride + k4 / 2] · scale + min
// Each thread computes a 4×4 block of dX (4 rows of dY × 4 consecutive columns k); W is read once per
// block as one vec4 and reused for the 4 rows. Grid: [ceil(K4 / 8), ceil(ceil(M / 4) / 8)].

override DTYPE: u32 = 0u;

struct Params {
  M: u32,
  K: u32,            // columns of dX (= in features)
  K4: u32,           // ceil(K / 4)
  N: u32,            // row stride of dY (= out features of the full weight)
  stride: u32,       // W row stride (vec4 for f32, u32 words for q8/q4)
  groupSize4: u32,   // vec4 chunks per scale group (f32: unused)
  groupsPerRow: u32,
  rowStart: u32,     // first row of the full weight held by this part
  rows: u32,         // rows in this part
  accumulate: u32,   // 1: dX += instead of =
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> wv: array<vec4f>;
@group(0) @binding(3) var<storage, read> wu: array<u32>;
@group(0) @binding(4) var<storage, read> scales: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

// scaleOf() and loadW(): shaders/dequant.wgsl, prepended by the wrapper (rows are within this part).

fn store(m: u32, k4: u32, v: vec4f) {
  if (m >= p.M) { return; }
  for (var c = 0u; c < 4u; c++) {
    let k = k4 * 4u + c;
    if (k < p.K) {
      let idx = m * p.K + k;
      var r = v[c];
      if (p.accumulate != 0u) { r += dx[idx]; }
      dx[idx] = r;
    }
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let k4 = gid.x;
  let m0 = gid.y * 4u;
  if (k4 >= p.K4 || m0 >= p.M) { return; }
  // rows past the edge read the last valid row (never written back)
  let r = vec4u(min(m0, p.M - 1u), min(m0 + 1u, p.M - 1u), min(m0 + 2u, p.M - 1u), min(m0 + 3u, p.M - 1u)) * p.N + vec4u(p.rowStart);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var n = 0u; n < p.rows; n++) {
    let w = loadW(n, k4, scaleOf(n, k4 / p.groupSize4));
    a0 += dy[r.x + n] * w;
    a1 += dy[r.y + n] * w;
    a2 += dy[r.z + n] * w;
    a3 += dy[r.w + n] * w;
  }
  store(m0, k4, a0);
  store(m0 + 1u, k4, a1);
  store(m0 + 2u, k4, a2);
  store(m0 + 3u, k4, a3);
}
