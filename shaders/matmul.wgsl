// Linear layers with frozen weights: y[M, N] = x[M, K] · W[N, K]ᵀ (+ bias[N]) (+ y), accumulation in f32.
// W is one part of a GpuWeight (src/engine/weights.ts): rows colOffset .. colOffset + N of the full weight,
// so y has row stride ldy and this dispatch writes columns colOffset .. colOffset + N.
// x is read as vec4: its rows are zero-padded to K4 · 4 columns (the wrapper pads when K % 4 ≠ 0).
// DTYPE selects how W is stored (layouts in src/engine/quant.ts), dequantized here, 4 columns at a time:
//   0 f32: wv[row · stride + k4]                         (stride in vec4)
//   1 q8:  4 int8 in wu[row · stride + k4] · scale[group]  (stride in u32 words)
//   2 q4:  4 nibbles of wu[row · stride + k4 / 2] · scale + min
// The weight buffer is bound twice (as vec4f and as u32), both read-only, so one layout serves all three.
//
// Two kernels:
//   tiled:  each thread computes an RM×4 block of y (RM rows of x × 4 rows of W), vec4 loads along K;
//           register blocking is what pays on CPU adapters (llvmpipe, SwiftShader).
//           Grid: [ceil(N/4 / WGX), ceil(M/RM / WGY)].
//   decode: for M ≤ 8 (generation): a workgroup of TK × 4 threads owns 16 columns of y; the TK threads of a column
//           quad split K, then their partial sums are added in shared memory (TK ≥ MMAX: thread tk writes row tk).
//           Grid: [ceil(N/16)]. Used on real GPUs, where it keeps enough threads busy when M·N/4 is small; on CPU
//           adapters the tiled kernel with RM = M is faster (see chooseKernel in src/engine/kernels/matmul.ts).

override DTYPE: u32 = 0u;
override TK: u32 = 16u;   // decode: threads along K per column quad
override MMAX: u32 = 8u;  // decode: rows of x handled (M ≤ MMAX)
override RM: u32 = 4u;    // tiled: rows of x per thread (1, 2 or 4)
override WGX: u32 = 8u;   // tiled: workgroup size along N (in column quads) and M (in RM-row blocks)
override WGY: u32 = 8u;

struct Params {
  M: u32, N: u32,
  K4: u32,           // x row length in vec4
  stride: u32,       // W row stride (vec4 for f32, u32 words for q8/q4)
  groupSize4: u32,   // vec4 chunks per scale group (f32: K4)
  groupsPerRow: u32,
  ldy: u32,          // y row stride
  colOffset: u32,    // first column of y written (= this part's first row of W); also indexes bias
  flags: u32,        // 1: add bias, 2: accumulate into y
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> wv: array<vec4f>;
@group(0) @binding(3) var<storage, read> wu: array<u32>;
@group(0) @binding(4) var<storage, read> scales: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// scaleOf() and loadW(): shaders/dequant.wgsl, prepended by the wrapper.

// q4: the 4 columns at nibble offset `shift` (0 or 16) of a word, dequantized with (scale, min) `sm`
fn q4Unpack(w: u32, shift: u32, sm: vec2f) -> vec4f {
  let q = (vec4u(w) >> (vec4u(0u, 4u, 8u, 12u) + vec4u(shift))) & vec4u(15u);
  return vec4f(q) * sm.x + sm.y;
}

fn finish(m: u32, n: u32, v: f32) {
  let idx = m * p.ldy + p.colOffset + n;
  var r = v;
  if ((p.flags & 1u) != 0u) { r += bias[p.colOffset + n]; }
  if ((p.flags & 2u) != 0u) { r += y[idx]; }
  y[idx] = r;
}

@compute @workgroup_size(WGX, WGY)
fn tiled(@builtin(global_invocation_id) gid: vec3u) {
  let n0 = gid.x * 4u;
  let m0 = gid.y * RM;
  if (n0 >= p.N || m0 >= p.M) { return; }
  // rows/columns past the edge read the last valid one (never written back)
  var xr: array<u32, 4>;
  for (var i = 0u; i < RM; i++) { xr[i] = min(m0 + i, p.M - 1u) * p.K4; }
  let wr = vec4u(min(n0, p.N - 1u), min(n0 + 1u, p.N - 1u), min(n0 + 2u, p.N - 1u), min(n0 + 3u, p.N - 1u));
  var acc: array<vec4f, 4>;
  for (var g = 0u; g < p.groupsPerRow; g++) {
    let s0 = scaleOf(wr.x, g);
    let s1 = scaleOf(wr.y, g);
    let s2 = scaleOf(wr.z, g);
    let s3 = scaleOf(wr.w, g);
    let kEnd = min((g + 1u) * p.groupSize4, p.K4);
    var k = g * p.groupSize4;
    if (DTYPE == 2u) {
      // q4: one word holds 8 columns (two vec4 chunks); load it once for both
      for (; k + 1u < kEnd; k += 2u) {
        let wi = k >> 1u;
        let words = vec4u(wu[wr.x * p.stride + wi], wu[wr.y * p.stride + wi], wu[wr.z * p.stride + wi], wu[wr.w * p.stride + wi]);
        let wlo = array<vec4f, 4>(q4Unpack(words.x, 0u, s0), q4Unpack(words.y, 0u, s1), q4Unpack(words.z, 0u, s2), q4Unpack(words.w, 0u, s3));
        let whi = array<vec4f, 4>(q4Unpack(words.x, 16u, s0), q4Unpack(words.y, 16u, s1), q4Unpack(words.z, 16u, s2), q4Unpack(words.w, 16u, s3));
        for (var i = 0u; i < RM; i++) {
          let x0 = x[xr[i] + k];
          let x1 = x[xr[i] + k + 1u];
          acc[i] += vec4f(dot(x0, wlo[0]) + dot(x1, whi[0]), dot(x0, wlo[1]) + dot(x1, whi[1]),
                          dot(x0, wlo[2]) + dot(x1, whi[2]), dot(x0, wlo[3]) + dot(x1, whi[3]));
        }
      }
    }
    for (; k < kEnd; k++) {
      let w0 = loadW(wr.x, k, s0);
      let w1 = loadW(wr.y, k, s1);
      let w2 = loadW(wr.z, k, s2);
      let w3 = loadW(wr.w, k, s3);
      for (var i = 0u; i < RM; i++) {
        let xv = x[xr[i] + k];
        acc[i] += vec4f(dot(xv, w0), dot(xv, w1), dot(xv, w2), dot(xv, w3));
      }
    }
  }
  for (var i = 0u; i < RM; i++) {
    if (m0 + i >= p.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < p.N) { finish(m0 + i, n0 + j, acc[i][j]); }
    }
  }
}

// decode: partial sums of every (thread, row of x) for a workgroup's 4 column quads
var<workgroup> partial: array<vec4f, TK * 4u * MMAX>;

@compute @workgroup_size(TK, 4)
fn decode(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tk = lid.x;
  let quad = lid.y;
  let n0 = (wid.x * 4u + quad) * 4u;
  let wr = vec4u(min(n0, p.N - 1u), min(n0 + 1u, p.N - 1u), min(n0 + 2u, p.N - 1u), min(n0 + 3u, p.N - 1u));
  var acc: array<vec4f, 8>; // rows of x; only the first MMAX are used (MMAX ≤ 8)
  for (var g = 0u; g < p.groupsPerRow; g++) {
    let s0 = scaleOf(wr.x, g);
    let s1 = scaleOf(wr.y, g);
    let s2 = scaleOf(wr.z, g);
    let s3 = scaleOf(wr.w, g);
    let kEnd = min((g + 1u) * p.groupSize4, p.K4);
    for (var k = g * p.groupSize4 + tk; k < kEnd; k += TK) {
      let w0 = loadW(wr.x, k, s0);
      let w1 = loadW(wr.y, k, s1);
      let w2 = loadW(wr.z, k, s2);
      let w3 = loadW(wr.w, k, s3);
      for (var m = 0u; m < MMAX; m++) {
        if (m >= p.M) { break; }
        let xv = x[m * p.K4 + k];
        acc[m] += vec4f(dot(xv, w0), dot(xv, w1), dot(xv, w2), dot(xv, w3));
      }
    }
  }
  for (var m = 0u; m < MMAX; m++) {
    partial[(m * 4u + quad) * TK + tk] = acc[m];
  }
  workgroupBarrier();
  // tree reduction over tk (TK is a power of two)
  for (var s = TK / 2u; s > 0u; s >>= 1u) {
    if (tk < s) {
      for (var m = 0u; m < MMAX; m++) {
        let i = (m * 4u + quad) * TK + tk;
        partial[i] += partial[i + s];
      }
    }
    workgroupBarrier();
  }
  // thread tk = m writes row m of its quad
  if (tk < MMAX && tk < p.M && n0 < p.N) {
    let v = partial[(tk * 4u + quad) * TK];
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < p.N) { finish(tk, n0 + j, v[j]); }
    }
  }
}
