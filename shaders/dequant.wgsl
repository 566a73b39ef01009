// Reading one vec4 of a frozen weight W in f32, q8 or q4 (layouts in src/engine/quant.ts), shared by
// matmul.wgsl and matmul_backward.wgsl: the wrappers prepend this file to theirs. It uses what both declare:
// `override DTYPE` (0 f32, 1 q8, 2 q4), `p.stride`, `p.groupsPerRow`, and the bindings `wv`, `wu`, `scales`.

// (scale, min) of W's row `row`, group `g`
fn scaleOf(row: u32, g: u32) -> vec2f {
  if (DTYPE == 1u) { return vec2f(scales[row * p.groupsPerRow + g], 0.0); }
  if (DTYPE == 2u) {
    let i = (row * p.groupsPerRow + g) * 2u;
    return vec2f(scales[i], scales[i + 1u]);
  }
  return vec2f(1.0, 0.0);
}

// W[row, 4·k4 .. 4·k4 + 3] in f32
fn loadW(row: u32, k4: u32, sm: vec2f) -> vec4f {
  if (DTYPE == 0u) { return wv[row * p.stride + k4]; }
  if (DTYPE == 1u) {
    let w = wu[row * p.stride + k4];
    // sign-extend each byte: move it to the top, then arithmetic shift right
    let q = bitcast<vec4i>(vec4u(w) << vec4u(24u, 16u, 8u, 0u)) >> vec4u(24u);
    return vec4f(q) * sm.x;
  }
  let w = wu[row * p.stride + (k4 >> 1u)];
  let q = (vec4u(w) >> (vec4u(0u, 4u, 8u, 12u) + vec4u(16u * (k4 & 1u)))) & vec4u(15u);
  return vec4f(q) * sm.x + sm.y;
}
