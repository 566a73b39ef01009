// dst[C, R] = src[R, C]ᵀ, R and C multiples of 4. A thread moves one 4 × 4 block: 4 vec4 loads along the rows of
// src, 4 vec4 stores along the rows of dst. Used to give products the layout matmul_tt.wgsl's tn_vec4 reads
// fastest (both operands contiguous along the output block). Grid: [ceil(C/4 / 8), ceil(R/4 / 8)].

struct Params { R: u32, C: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let C4 = p.C / 4u;
  let R4 = p.R / 4u;
  let c4 = gid.x;
  let r4 = gid.y;
  if (c4 >= C4 || r4 >= R4) { return; }
  let a = src[(r4 * 4u) * C4 + c4];
  let b = src[(r4 * 4u + 1u) * C4 + c4];
  let c = src[(r4 * 4u + 2u) * C4 + c4];
  let d = src[(r4 * 4u + 3u) * C4 + c4];
  dst[(c4 * 4u) * R4 + r4] = vec4f(a.x, b.x, c.x, d.x);
  dst[(c4 * 4u + 1u) * R4 + r4] = vec4f(a.y, b.y, c.y, d.y);
  dst[(c4 * 4u + 2u) * R4 + r4] = vec4f(a.z, b.z, c.z, d.z);
  dst[(c4 * 4u + 3u) * R4 + r4] = vec4f(a.w, b.w, c.w, d.w);
}
