// Attention through batched products (attention_products.ts): the layout kernels around matmulTT's tn_vec4 and
// the softmax kernels between the products. Block z = b · nH + h is (sequence b, query head h); rows and key slots
// are padded to Tq4, S4 (multiples of 4, as tn_vec4 needs) and the padding holds zeros.

struct Layout { B: u32, T: u32, T4: u32, nx: u32, d: u32, group: u32, transposed: u32 }
@group(0) @binding(0) var<uniform> l: Layout;
// vec4s along the head dim (d a multiple of 4): software adapters load and store a vec4 at the cost of a float
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

// columns 4 · c4 .. 4 · c4 + 3 of row t of head h of sequence b in src [B, T, nx · d]; 0 past T (padding)
fn srcQuad(b: u32, t: u32, h: u32, c4: u32) -> vec4f {
  if (t >= l.T) { return vec4f(0.0); }
  return src[((b * l.T + t) * l.nx + h) * (l.d / 4u) + c4];
}

// to_heads: src [B, T, nx · d] → dst [B · nx, T4, d], or [B · nx, d, T4] when transposed; rows t ≥ T are 0.
// A thread writes one vec4 of dst, or, transposed, a 4 × 4 tile (4 rows t × 4 columns c, read as 4 vec4s).
@compute @workgroup_size(256)
fn to_heads(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  let d4 = l.d / 4u;
  let quads = l.T4 / 4u;
  if (l.transposed == 0u) {
    if (i >= l.B * l.nx * l.T4 * d4) { return; }
    let z = i / (l.T4 * d4);
    dst[i] = srcQuad(z / l.nx, i / d4 % l.T4, z % l.nx, i % d4);
    return;
  }
  if (i >= l.B * l.nx * d4 * quads) { return; }
  let z = i / (d4 * quads);
  let c4 = i / quads % d4;
  let t0 = (i % quads) * 4u;
  let r0 = srcQuad(z / l.nx, t0, z % l.nx, c4);
  let r1 = srcQuad(z / l.nx, t0 + 1u, z % l.nx, c4);
  let r2 = srcQuad(z / l.nx, t0 + 2u, z % l.nx, c4);
  let r3 = srcQuad(z / l.nx, t0 + 3u, z % l.nx, c4);
  // dst rows c = 4 · c4 .. 4 · c4 + 3 of block z, at t quad t0 / 4: the tile's columns
  let at = (z * l.d + c4 * 4u) * quads + t0 / 4u;
  dst[at] = vec4f(r0.x, r1.x, r2.x, r3.x);
  dst[at + quads] = vec4f(r0.y, r1.y, r2.y, r3.y);
  dst[at + 2u * quads] = vec4f(r0.z, r1.z, r2.z, r3.z);
  dst[at + 3u * quads] = vec4f(r0.w, r1.w, r2.w, r3.w);
}

// from_heads: src [B · nx · group, T4, d] → dst [B, T, nx · d], summing each group of consecutive head blocks
// (the query heads that share a key/value head: their dk, dv add up). A thread per vec4 of dst.
@compute @workgroup_size(256)
fn from_heads(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  let d4 = l.d / 4u;
  if (i >= l.B * l.T * l.nx * d4) { return; }
  let c4 = i % d4;
  let h = i / d4 % l.nx;
  let t = i / (d4 * l.nx) % l.T;
  let b = i / (d4 * l.nx * l.T);
  var sum = vec4f(0.0);
  for (var g = 0u; g < l.group; g++) {
    let z = (b * l.nx + h) * l.group + g;
    sum += src[(z * l.T4 + t) * d4 + c4];
  }
  dst[i] = sum;
}

struct Scores { B: u32, Tq: u32, S: u32, nH: u32, Tq4: u32, S4: u32, knownLse: u32 }
@group(0) @binding(0) var<uniform> p: Scores;
@group(0) @binding(1) var<storage, read> start: array<u32>;
// [B, Tq, nH]: read by probs_backward when knownLse, written by probs_forward
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
// [B · nH, Tq4, S4]: the scaled scores q·kᵀ / sqrt(d); probs_backward replaces them by the probabilities P
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
// probs_forward: Pᵀ [B · nH, S4, Tq4]. probs_backward: dP = dout · vᵀ [B · nH, Tq4, S4], replaced by dS
@group(0) @binding(4) var<storage, read_write> x: array<f32>;
// probs_backward: dSᵀ [B · nH, S4, Tq4]
@group(0) @binding(5) var<storage, read_write> dsT: array<f32>;

// Keys query row i of block z sees: slots j < S with j ≤ start[b] + i; none for padded rows.
fn seenKeys(z: u32, i: u32) -> u32 {
  if (i >= p.Tq) { return 0u; }
  return min(p.S, start[z / p.nH] + i + 1u);
}

// log Σ_{j < seen} exp(s_j) over one row of scores (rows seeing no key: 0)
fn rowLse(base: u32, seen: u32) -> f32 {
  if (seen == 0u) { return 0.0; }
  var m = s[base];
  for (var j = 1u; j < seen; j++) { m = max(m, s[base + j]); }
  var sum = 0.0;
  for (var j = 0u; j < seen; j++) { sum += exp(s[base + j] - m); }
  return m + log(sum);
}

fn lseIndex(z: u32, i: u32) -> u32 {
  return (z / p.nH * p.Tq + i) * p.nH + z % p.nH;
}

// Query row i of block z: its scores start at base, and it sees keys 0 .. seen − 1.
struct QueryRow { z: u32, i: u32, base: u32, seen: u32 }

fn queryRow(row: u32) -> QueryRow {
  let z = row / p.Tq4;
  let i = row % p.Tq4;
  return QueryRow(z, i, row * p.S4, seenKeys(z, i));
}

// One thread per query row (z, i): lse, and Pᵀ for out = P · v (masked and padded entries 0).
@compute @workgroup_size(64)
fn probs_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= p.B * p.nH * p.Tq4) { return; }
  let r = queryRow(row);
  let m = rowLse(r.base, r.seen);
  if (r.i < p.Tq) { lse[lseIndex(r.z, r.i)] = m; }
  for (var j = 0u; j < p.S4; j++) {
    var prob = 0.0;
    if (j < r.seen) { prob = exp(s[r.base + j] - m); }
    x[(r.z * p.S4 + j) * p.Tq4 + r.i] = prob;
  }
}

// One thread per query row (z, i): P = exp(s − lse), D = Σ_j P ∘ dP (= dout · out), dS = P ∘ (dP − D), written
// as dS over dP and as dSᵀ; P over the scores. lse from the forward when knownLse, else from the row.
@compute @workgroup_size(64)
fn probs_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * 64u;
  if (row >= p.B * p.nH * p.Tq4) { return; }
  let r = queryRow(row);
  var m = 0.0;
  if (r.seen > 0u) {
    if (p.knownLse != 0u) { m = lse[lseIndex(r.z, r.i)]; } else { m = rowLse(r.base, r.seen); }
  }
  var D = 0.0;
  for (var j = 0u; j < r.seen; j++) {
    let prob = exp(s[r.base + j] - m);
    s[r.base + j] = prob;
    D += prob * x[r.base + j];
  }
  for (var j = 0u; j < p.S4; j++) {
    var ds = 0.0;
    if (j < r.seen) { ds = s[r.base + j] * (x[r.base + j] - D); } else { s[r.base + j] = 0.0; }
    x[r.base + j] = ds;
    dsT[(r.z * p.S4 + j) * p.Tq4 + r.i] = ds;
  }
}
