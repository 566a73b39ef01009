// General f32 matmul between activations: C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] (+ C).
// op(A) = A [M, K] or Aᵀ with A [K, M]; op(B) = B [K, N] or Bᵀ with B [N, K]. The wrapper turns the
// transposes into strides: op(A)[m, k] = a[m · aM + k · aK], op(B)[k, n] = b[k · bK + n · bN].
// Uses: LoRA's x·Aᵀ then ·Bᵀ, weight gradients dW = dYᵀ · X, attention-free products.
// main:   any transposes; each thread computes a 4×4 block of C as 16 f32 accumulators (outer products over k).
//         Grid: [ceil(N/4)/8, ceil(M/4)/8].
// tn_vec4: op(A) = Aᵀ, op(B) = B, M and N multiples of 4 (weight gradients dW = dYᵀ · X): for each k the rows
//         A[k, :] and B[k, :] are contiguous, so a thread reads its 8 × 8 block's operands as 4 vec4 loads per k
//         (main: 8 scalar loads per 4 × 4). On software adapters, which load storage lane by lane, that measured
//         1.5–3x faster (lavapipe: 6.9 → 10.5 GFLOP/s at M 384, K 4864, N 128; SwiftShader 1.2 → 2.4).
//         Grid: [ceil(N/8)/8, ceil(M/8)/8].
// n_vec4 (below): op(A) = A, K and N multiples of 4 (thin products: LoRA's, one side the rank).
// All take a batch along the grid's z: product z reads A at z · zA, B at (z / zGroupB) · zB (several A blocks per
// B block: grouped-query attention's heads) and writes C at z · zC (offsets in floats; multiples of 4 for the vec4
// kernels).

struct Params { M: u32, N: u32, K: u32, aM: u32, aK: u32, bK: u32, bN: u32, accumulate: u32, alpha: f32, zA: u32, zB: u32, zC: u32, zGroupB: u32 }
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
  let aZ = gid.z * p.zA;
  let bZ = (gid.z / p.zGroupB) * p.zB;
  let cZ = gid.z * p.zC;
  let am = vec4u(min(m0, p.M - 1u), min(m0 + 1u, p.M - 1u), min(m0 + 2u, p.M - 1u), min(m0 + 3u, p.M - 1u)) * p.aM + aZ;
  let bn = vec4u(min(n0, p.N - 1u), min(n0 + 1u, p.N - 1u), min(n0 + 2u, p.N - 1u), min(n0 + 3u, p.N - 1u)) * p.bN + bZ;
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
      let idx = cZ + m * p.N + n;
      if (p.accumulate != 0u) { v += c[idx]; }
      c[idx] = v;
    }
  }
}

@group(0) @binding(1) var<storage, read> a4: array<vec4f>; // A [K, M] as vec4 along M
@group(0) @binding(2) var<storage, read> b4: array<vec4f>; // B [K, N] as vec4 along N
@group(0) @binding(3) var<storage, read_write> c4: array<vec4f>; // C [M, N] as vec4 along N

// writes rows r .. r + 3 of C at column quad n4 (skipped past the edge); cZ4: the batch's C offset in vec4s
fn storeRows(cZ4: u32, r: u32, n4: u32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  let N4 = p.N / 4u;
  if (r >= p.M || n4 >= N4) { return; }
  let rows = array<vec4f, 4>(v0, v1, v2, v3);
  for (var i = 0u; i < 4u; i++) {
    let idx = cZ4 + (r + i) * N4 + n4;
    var v = p.alpha * rows[i];
    if (p.accumulate != 0u) { v += c4[idx]; }
    c4[idx] = v;
  }
}

@compute @workgroup_size(8, 8)
fn tn_vec4(@builtin(global_invocation_id) gid: vec3u) {
  let M4 = p.M / 4u;
  let N4 = p.N / 4u;
  // the thread's column quads na, na + 1 and row quads ma, ma + 1; quads past the edge read the last one
  let na = gid.x * 2u;
  let ma = gid.y * 2u;
  if (na >= N4 || ma >= M4) { return; }
  let nb = min(na + 1u, N4 - 1u);
  let mb = min(ma + 1u, M4 - 1u);
  let aZ4 = gid.z * (p.zA / 4u);
  let bZ4 = (gid.z / p.zGroupB) * (p.zB / 4u);
  let cZ4 = gid.z * (p.zC / 4u);
  // c·: rows of quad ma × columns of quad na; d·: quad mb × na; e·: ma × nb; f·: mb × nb
  var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
  var d0 = vec4f(0.0); var d1 = vec4f(0.0); var d2 = vec4f(0.0); var d3 = vec4f(0.0);
  var e0 = vec4f(0.0); var e1 = vec4f(0.0); var e2 = vec4f(0.0); var e3 = vec4f(0.0);
  var f0 = vec4f(0.0); var f1 = vec4f(0.0); var f2 = vec4f(0.0); var f3 = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let av = a4[aZ4 + k * M4 + ma];
    let aw = a4[aZ4 + k * M4 + mb];
    let bv = b4[bZ4 + k * N4 + na];
    let bw = b4[bZ4 + k * N4 + nb];
    c0 += av.x * bv; c1 += av.y * bv; c2 += av.z * bv; c3 += av.w * bv;
    d0 += aw.x * bv; d1 += aw.y * bv; d2 += aw.z * bv; d3 += aw.w * bv;
    e0 += av.x * bw; e1 += av.y * bw; e2 += av.z * bw; e3 += av.w * bw;
    f0 += aw.x * bw; f1 += aw.y * bw; f2 += aw.z * bw; f3 += aw.w * bw;
  }
  storeRows(cZ4, ma * 4u, na, c0, c1, c2, c3);
  storeRows(cZ4, ma * 4u + 4u, na, d0, d1, d2, d3);
  storeRows(cZ4, ma * 4u, na + 1u, e0, e1, e2, e3);
  storeRows(cZ4, ma * 4u + 4u, na + 1u, f0, f1, f2, f3);
}

// n_vec4 (nt / nn): op(A) = A (rows contiguous along K), K a multiple of 4, N a multiple of 4; op(B) = Bᵀ
// (nt: B [N, K], rows contiguous along K) or B (nn: B [K, N], rows contiguous along N). Thin products such as
// LoRA's x · Aᵀ, u · Bᵀ, dy · B and du · A (one side the rank r). A thread computes a 4 × 4 block from 8 vec4
// loads per 4 k (main: 32 scalar loads). Threads run along a flat index over the blocks, column quads first, so
// a thin C (N = 8: 2 quads) keeps every thread of a workgroup busy. Grid: [gx, gy] workgroups of 64 covering
// ceil(M / 4) · N / 4 blocks (flat index = gid.x + gid.y · gx · 64), z the batch.
fn flatBlock(gid: vec3u, nwg: vec3u) -> vec2u {
  let i = gid.x + gid.y * nwg.x * 64u;
  let N4 = p.N / 4u;
  return vec2u(i % N4, i / N4); // (column quad, row quad)
}

// where rows m0 .. m0 + 3 of product z's A start, in vec4s; rows past M read the last row (never written back)
fn aRows(m0: u32, z: u32) -> vec4u {
  let rows = min(vec4u(m0, m0 + 1u, m0 + 2u, m0 + 3u), vec4u(p.M - 1u));
  return rows * (p.K / 4u) + z * (p.zA / 4u);
}

// writes C's rows m0 .. m0 + 3 (those under M) at column quad n4
fn storeBlock(cZ4: u32, m0: u32, n4: u32, acc: array<vec4f, 4>) {
  let N4 = p.N / 4u;
  for (var i = 0u; i < 4u; i++) {
    if (m0 + i >= p.M) { return; }
    let idx = cZ4 + (m0 + i) * N4 + n4;
    var v = p.alpha * acc[i];
    if (p.accumulate != 0u) { v += c4[idx]; }
    c4[idx] = v;
  }
}

// op(B) = Bᵀ (nt) or B (nn): a pipeline constant, so each variant compiles without the other's branch
override TRANS_B: bool = true;

@compute @workgroup_size(64)
fn n_vec4(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let blk = flatBlock(gid, nwg);
  let m0 = blk.y * 4u;
  if (m0 >= p.M) { return; }
  let K4 = p.K / 4u;
  let N4 = p.N / 4u;
  let ar = aRows(m0, gid.z);
  let bZ4 = (gid.z / p.zGroupB) * (p.zB / 4u);
  var acc = array<vec4f, 4>(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var k4 = 0u; k4 < K4; k4++) {
    if (TRANS_B) {
      // B rows n0 .. n0 + 3 (they exist: N a multiple of 4) at k quad k4
      let br = bZ4 + blk.x * 4u * K4 + k4;
      let b0 = b4[br]; let b1 = b4[br + K4]; let b2 = b4[br + 2u * K4]; let b3 = b4[br + 3u * K4];
      for (var i = 0u; i < 4u; i++) {
        let av = a4[ar[i] + k4];
        acc[i] += vec4f(dot(av, b0), dot(av, b1), dot(av, b2), dot(av, b3));
      }
    } else {
      // B rows 4·k4 .. 4·k4 + 3 at this thread's column quad
      let bk = bZ4 + k4 * 4u * N4 + blk.x;
      let b0 = b4[bk]; let b1 = b4[bk + N4]; let b2 = b4[bk + 2u * N4]; let b3 = b4[bk + 3u * N4];
      for (var i = 0u; i < 4u; i++) {
        let av = a4[ar[i] + k4];
        acc[i] += av.x * b0 + av.y * b1 + av.z * b2 + av.w * b3;
      }
    }
  }
  storeBlock(gid.z * (p.zC / 4u), m0, blk.x, acc);
}
