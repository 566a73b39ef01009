// The output of one fused q/k/v product split into q, k and v, with RoPE applied to q and k on the way (the
// rotation of rope.wgsl: Hugging Face's rotate-half form, angle pos · theta^(-2i/d) formed in f32).
// qkv: [T, (nH + 2·nKv) · d], rows q | k | v; positions: u32 [T] → q: [T, nH · d], k, v: [T, nKv · d].
// One thread per (t, rotated pair of a q or k head) and per (t, element of v).

struct Params { T: u32, nH: u32, nKv: u32, headDim: u32, theta: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> positions: array<u32>;
@group(0) @binding(3) var<storage, read_write> q: array<f32>;
@group(0) @binding(4) var<storage, read_write> k: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * 256u;
  let d = p.headDim;
  let half = d / 2u;
  let pairs = (p.nH + p.nKv) * half; // rotated pairs per row, q heads then k heads
  let kvWidth = p.nKv * d;
  let perRow = pairs + kvWidth;
  if (idx >= p.T * perRow) { return; }
  let t = idx / perRow;
  let rem = idx % perRow;
  let width = p.nH * d + 2u * kvWidth;
  if (rem >= pairs) {
    let j = rem - pairs;
    v[t * kvWidth + j] = qkv[t * width + p.nH * d + kvWidth + j];
    return;
  }
  let h = rem / half; // 0 .. nH + nKv - 1: q heads, then k heads (k sits right after q in the row)
  let i = rem % half;
  let invFreq = 1.0 / pow(p.theta, f32(2u * i) / f32(d));
  let angle = f32(positions[t]) * invFreq;
  let c = cos(angle);
  let s = sin(angle);
  let src = t * width + h * d;
  let a = qkv[src + i];
  let b = qkv[src + i + half];
  if (h < p.nH) {
    let dst = (t * p.nH + h) * d;
    q[dst + i] = a * c - b * s;
    q[dst + i + half] = b * c + a * s;
  } else {
    let dst = t * kvWidth + (h - p.nH) * d;
    k[dst + i] = a * c - b * s;
    k[dst + i + half] = b * c + a * s;
  }
}
