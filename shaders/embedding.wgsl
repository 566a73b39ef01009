// Embedding lookup: out[t, :] = table[ids[t], :], dequantized to f32.
// ids: u32 [T], table: one part of a GpuWeight [V, H] (src/engine/weights.ts; layouts in quant.ts) → out: [T, H].
// The same GpuWeight serves as the lm_head of tied embeddings (logits = h · tableᵀ through matmul).
// One dispatch per part: a thread per (t, h) writes its element when ids[t] falls in this part's rows;
// the first part also writes zeros for ids ≥ V (out-of-range ids never leave stale values).
// The data buffer is read as u32 words for every dtype (f32 values through bitcast).

override DTYPE: u32 = 0u; // 0 f32, 1 q8, 2 q4

struct Params {
  T: u32, H: u32,
  stride: u32,        // u32 words (f32 values) per table row
  groupSize: u32,     // columns per scale (q8, q4)
  groupsPerRow: u32,
  rowStart: u32, rows: u32, // this part's rows of the table
  V: u32,             // rows of the whole table
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> data: array<u32>;
@group(0) @binding(3) var<storage, read> scales: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn element(row: u32, h: u32) -> f32 {
  if (DTYPE == 0u) { return bitcast<f32>(data[row * p.stride + h]); }
  let g = row * p.groupsPerRow + h / p.groupSize;
  if (DTYPE == 1u) {
    let w = data[row * p.stride + (h >> 2u)];
    let q = bitcast<i32>(w << (24u - 8u * (h & 3u))) >> 24u; // sign-extend the byte
    return f32(q) * scales[g];
  }
  let w = data[row * p.stride + (h >> 3u)];
  let q = (w >> (4u * (h & 7u))) & 15u;
  return f32(q) * scales[2u * g] + scales[2u * g + 1u];
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= p.T * p.H) { return; }
  let t = i / p.H;
  let h = i % p.H;
  let id = ids[t];
  if (id >= p.rowStart && id < p.rowStart + p.rows) {
    out[i] = element(id - p.rowStart, h);
  } else if (id >= p.V && p.rowStart == 0u) {
    out[i] = 0.0;
  }
}
