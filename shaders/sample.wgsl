// Token sampling on the GPU by the integer rule of src/engine/reference/sampling.ts (its header defines the rule),
// one workgroup per row (row = wid.x + wid.y · nwg.x):
//   greedy:      the first token holding the row's largest logit (an atomicMax on order-preserving u32 keys);
//   temperature: u32 fixed-point weights w = POW2[frac] >> int of z = (m - l) · scale, exact 64-bit masses
//                (vec2u: lo, hi); top-p's threshold t* found by a radix search over the weights (4 passes of 8 bits,
//                each a 256-bin mass histogram: O(V) per row, no sort); then the pick by a scan in id order over
//                contiguous chunks of the row, one chunk per thread.
//   logits: [rows, V] f32, uniforms: u32 [first + rows] (U = floor(u · 2^32)), pow2: u32 [2^16]
//   → ids: u32 [first + rows]; row r reads uniforms[first + r] and writes ids[first + r].
// Logits must be finite (a NaN or infinite logit has no defined pick).

struct Params { rows: u32, V: u32, first: u32, greedy: u32, scale: f32, topP: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> uniforms: array<u32>;
@group(0) @binding(3) var<storage, read> pow2: array<u32>;
@group(0) @binding(4) var<storage, read_write> ids: array<u32>;

override WG: u32 = 256u;
const MAX_WG = 256u;
const BINS = 256u;

var<workgroup> maxKey: atomic<u32>;
var<workgroup> firstMax: atomic<u32>;
var<workgroup> totalLo: atomic<u32>;
var<workgroup> totalHi: atomic<u32>;
var<workgroup> binLo: array<atomic<u32>, BINS>;
var<workgroup> binHi: array<atomic<u32>, BINS>;
var<workgroup> total: vec2u;
var<workgroup> need: vec2u;
/** the radix prefix, t* once the search ends (0: no nucleus cut) */
var<workgroup> threshold: u32;
/** mass of the tokens heavier than the prefix */
var<workgroup> above: vec2u;
/** how many tokens of weight t* (by id) the nucleus keeps */
var<workgroup> kept: u32;
/** the pick: the first nucleus token whose running mass exceeds it */
var<workgroup> goal: vec2u;
/** per thread: ties in its chunk, then the rank of its chunk's first tie */
var<workgroup> tieRank: array<u32, MAX_WG>;
/** per thread: the nucleus mass of its chunk */
var<workgroup> chunkMass: array<vec2u, MAX_WG>;
var<workgroup> chosenChunk: u32;
var<workgroup> chunkStart: vec2u;

// ---- 64-bit unsigned integers as vec2u(lo, hi) ----
fn add64(a: vec2u, b: vec2u) -> vec2u {
  let lo = a.x + b.x;
  return vec2u(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn less64(a: vec2u, b: vec2u) -> bool {
  return a.y < b.y || (a.y == b.y && a.x < b.x);
}
/** a · b as 64 bits, from 16-bit halves */
fn mul32(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2u((p00 & 0xffffu) | (mid << 16u), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
/** floor(s · u / 2^32) */
fn mulShift32(s: vec2u, u: u32) -> vec2u {
  return add64(mul32(s.y, u), vec2u(mul32(s.x, u).y, 0u));
}

/** The f32 bits with -0 read as +0, mapped so that unsigned order is float order. */
fn orderedKey(x: f32) -> u32 {
  var b = bitcast<u32>(x);
  if (b == 0x80000000u) { b = 0u; }
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}
fn fromKey(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}

/** The fixed-point weight of logit l under the row max m (steps 1-2 of the rule). */
fn weight(l: f32, m: f32) -> u32 {
  let z = (m - l) * p.scale;
  if (!(z < 32.0)) { return 0u; }
  let k = u32(z * 65536.0);
  return pow2[k & 0xffffu] >> (k >> 16u);
}

/** Nucleus membership: heavier than t*, or a tie of rank < kept (t* = 0: every token of non-zero weight). */
fn member(w: u32, t: u32, rank: u32) -> bool {
  return w > t || (t != 0u && w == t && rank < kept);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= p.rows) { return; } // uniform per workgroup: the barriers below stay in uniform control flow
  let base = row * p.V;
  if (lid == 0u) {
    atomicStore(&maxKey, 0u);
    atomicStore(&firstMax, 0xffffffffu);
    atomicStore(&totalLo, 0u);
    atomicStore(&totalHi, 0u);
  }
  workgroupBarrier();
  // the row's max and the first token holding it
  var best = 0u;
  for (var v = lid; v < p.V; v += WG) { best = max(best, orderedKey(logits[base + v])); }
  atomicMax(&maxKey, best);
  workgroupBarrier();
  let top = atomicLoad(&maxKey);
  for (var v = lid; v < p.V; v += WG) {
    if (orderedKey(logits[base + v]) == top) {
      atomicMin(&firstMax, v);
      break;
    }
  }
  workgroupBarrier();
  if (p.greedy != 0u) {
    if (lid == 0u) { ids[p.first + row] = atomicLoad(&firstMax); }
    return;
  }
  let m = fromKey(top);

  // total mass S, exact: each thread's 64-bit sum, added with a carry into the shared pair
  var sum = vec2u(0u, 0u);
  for (var v = lid; v < p.V; v += WG) { sum = add64(sum, vec2u(weight(logits[base + v], m), 0u)); }
  let old = atomicAdd(&totalLo, sum.x);
  atomicAdd(&totalHi, sum.y + select(0u, 1u, old + sum.x < old));
  workgroupBarrier();
  if (lid == 0u) {
    total = vec2u(atomicLoad(&totalLo), atomicLoad(&totalHi));
    threshold = 0u;
    above = vec2u(0u, 0u);
    kept = 0u;
    need = mulShift32(total, p.topP);
    if (need.x == 0u && need.y == 0u) { need = vec2u(1u, 0u); }
  }
  let S = workgroupUniformLoad(&total);
  if (S.x == 0u && S.y == 0u) { // no finite logit: greedy
    if (lid == 0u) { ids[p.first + row] = atomicLoad(&firstMax); }
    return;
  }

  if (p.topP != 0u) {
    // radix search for t* = the largest t with mass(w ≥ t) ≥ need, 8 bits per pass from the top;
    // invariant: above < need ≤ above + mass(tokens whose high bits equal the prefix)
    for (var level = 0u; level < 4u; level++) {
      let shift = 24u - 8u * level;
      for (var b = lid; b < BINS; b += WG) {
        atomicStore(&binLo[b], 0u);
        atomicStore(&binHi[b], 0u);
      }
      workgroupBarrier();
      let prefix = threshold;
      for (var v = lid; v < p.V; v += WG) {
        let w = weight(logits[base + v], m);
        if (w != 0u && (level == 0u || (w >> (shift + 8u)) == prefix)) {
          let bin = (w >> shift) & 0xffu;
          let was = atomicAdd(&binLo[bin], w);
          if (was + w < was) { atomicAdd(&binHi[bin], 1u); }
        }
      }
      workgroupBarrier();
      if (lid == 0u) {
        var cum = above;
        var d = BINS - 1u;
        loop {
          let next = add64(cum, vec2u(atomicLoad(&binLo[d]), atomicLoad(&binHi[d])));
          if (!less64(next, need) || d == 0u) { break; }
          cum = next;
          d -= 1u;
        }
        above = cum;
        threshold = (prefix << 8u) | d;
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      // kept = the smallest k ≥ 1 with above + k · t* ≥ need (binary search: no 64-bit division)
      var lo = 1u;
      var hi = p.V;
      while (lo < hi) {
        let mid = lo + (hi - lo) / 2u;
        if (less64(add64(above, mul32(mid, threshold)), need)) { lo = mid + 1u; } else { hi = mid; }
      }
      kept = lo;
      goal = mulShift32(add64(above, mul32(kept, threshold)), uniforms[p.first + row]);
    }
  } else if (lid == 0u) {
    goal = mulShift32(S, uniforms[p.first + row]);
  }
  workgroupBarrier();

  // the pick, in id order: thread lid owns tokens [lo, hi)
  let t = threshold;
  let chunk = (p.V + WG - 1u) / WG;
  let lo = min(p.V, lid * chunk);
  let hi = min(p.V, lo + chunk);
  var ties = 0u;
  if (t != 0u) {
    for (var v = lo; v < hi; v++) { ties += select(0u, 1u, weight(logits[base + v], m) == t); }
  }
  tieRank[lid] = ties;
  workgroupBarrier();
  if (lid == 0u) {
    var acc = 0u;
    for (var i = 0u; i < WG; i++) {
      let n = tieRank[i];
      tieRank[i] = acc;
      acc += n;
    }
  }
  workgroupBarrier();
  var rank = tieRank[lid];
  var mass = vec2u(0u, 0u);
  for (var v = lo; v < hi; v++) {
    let w = weight(logits[base + v], m);
    if (member(w, t, rank)) { mass = add64(mass, vec2u(w, 0u)); }
    if (t != 0u && w == t) { rank++; }
  }
  chunkMass[lid] = mass;
  workgroupBarrier();
  if (lid == 0u) {
    var cum = vec2u(0u, 0u);
    chosenChunk = WG;
    for (var i = 0u; i < WG; i++) {
      let next = add64(cum, chunkMass[i]);
      if (less64(goal, next)) {
        chosenChunk = i;
        chunkStart = cum;
        break;
      }
      cum = next;
    }
    if (chosenChunk == WG) { ids[p.first + row] = atomicLoad(&firstMax); } // unreachable: goal < the nucleus mass
  }
  workgroupBarrier();
  if (lid == chosenChunk) {
    var cum = chunkStart;
    rank = tieRank[lid];
    for (var v = lo; v < hi; v++) {
      let w = weight(logits[base + v], m);
      if (member(w, t, rank)) {
        cum = add64(cum, vec2u(w, 0u));
        if (less64(goal, cum)) {
          ids[p.first + row] = v;
          break;
        }
      }
      if (t != 0u && w == t) { rank++; }
    }
  }
}
