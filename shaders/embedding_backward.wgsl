// Embedding backward without float atomics: dtable[id] += Σ_{t : ids[t] = id} dy[t].
// The host groups the token rows by id (CSR): uniqueIds: [U], rowStart: [U + 1], rows: [T] (u32), so
// the rows of unique id u are rows[rowStart[u] .. rowStart[u + 1]). One thread per (u, column h) owns
// dtable[uniqueIds[u], h]: no two threads write the same element. Work O(T · H), independent of V.
// dy: [T, H] → dtable: [V, H], always added into (zero it first, or let it hold the tied lm-head gradient).

struct Params { U: u32, H: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> uniqueIds: array<u32>;
@group(0) @binding(3) var<storage, read> rowStart: array<u32>;
@group(0) @binding(4) var<storage, read> rows: array<u32>;
@group(0) @binding(5) var<storage, read_write> dtable: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.U * p.H) { return; }
  let u = i / p.H;
  let h = i % p.H;
  var acc = 0.0;
  for (var k = rowStart[u]; k < rowStart[u + 1u]; k++) {
    acc += dy[rows[k] * p.H + h];
  }
  let o = uniqueIds[u] * p.H + h;
  dtable[o] = dtable[o] + acc;
}
