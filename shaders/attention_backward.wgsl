// Causal grouped-query attention backward over KV caches, recomputing the probabilities
// (no stored attention matrix). Forward: out = Σ_j p_j v_j, p = softmax(s), s_j = q · k_j · scale, where
// query t of sequence b sits at position start[b] + t and sees keys j ≤ start[b] + t; query head h
// reads key/value head h / (nHeads / nKv). With dp_j = dout · v_j and D = Σ_j p_j dp_j:
//   ds_j = p_j (dp_j − D),  dq = scale Σ_j ds_j k_j,  dk_j = scale Σ_(t,h) ds_j q,  dv_j = Σ_(t,h) p_j dout
// (FlashAttention-2, Dao 2023, algorithm 2, without tiling; no float atomics: every output element has a
// single writer). Keys no query sees get dk = dv = 0.
//   q, dout, dq: [B, Tq, nHeads · d];  k, v, dk, dv: [B, S, nKv · d];  start: u32 [B];  stats: [B, Tq, nHeads, 2] = (lse, D)
//
// Two kernel pairs, the same math; each pair runs dq first (it writes the row statistics), then dk/dv.
// Workgroup per row (for GPUs: 64 threads per row, reductions in workgroup memory):
//   dq_main:  one workgroup per query row (b, t, h). Its threads split the visible keys to fold the scores
//             into an online (max, Σ e^s, Σ e^s·dp) each, merged in workgroup memory into lse and D; then,
//             CHUNK keys at a time, the threads compute the keys' ds and, split over the head dim, add
//             ds_j · k_j to dq.
//   dkv_main: one workgroup per key row (b, j, kv head). Its threads split the query rows that see key j
//             (every t with start[b] + t ≥ j, every query head of the group), CHUNK rows at a time: each
//             computes its rows' p and ds, then the threads, split over the head dim, sum ds · q into dk
//             and p · dout into dv.
// Thread per row (for software adapters, which run a workgroup with barriers as coroutines, much slower):
//   dq_rows_main:  one thread per query row (b, t, h), looping over the visible keys.
//   dkv_rows_main: one thread per key row (b, j, kv head), looping over the query rows that see it.

struct Params { B: u32, Tq: u32, S: u32, nHeads: u32, nKv: u32, d: u32, scale: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> start: array<u32>;

const WG = 64u;
const MAX_HEAD_DIM = 256u;
// keys (dq_main) or query rows (dkv_main) handled between two barriers: PER_THREAD per thread
const PER_THREAD = 4u;
const CHUNK = 256u; // WG · PER_THREAD
// head-dim elements a thread owns when the threads split the head dim: i = tid + c · WG, c < DIMS_PER_THREAD
// = ceil(d / WG) ≤ 4 (head dim ≤ 256), set per pipeline so the unused components compile away
override DIMS_PER_THREAD: u32 = 4u;
// partial statistics are combined in two levels: REDUCE_GROUPS groups of WG / REDUCE_GROUPS threads
const REDUCE_GROUPS = 8u;
const NEG_BIG = -3.4e38;

// per-thread partial statistics (max, Σ e^(s − max), Σ e^(s − max) · dp)
var<workgroup> partials: array<vec3f, WG>;
var<workgroup> groupPartials: array<vec3f, REDUCE_GROUPS>;
// per-key (dq_main) or per-query-row (dkv_main) coefficients of the current chunk
var<workgroup> coefDs: array<f32, CHUNK>;
var<workgroup> coefP: array<f32, CHUNK>;
// the row this workgroup stages (dq_main: q and dout of its query; dkv_main: k and v of its key); read
// from workgroup memory because every thread reads the same element at once
var<workgroup> rowA: array<f32, MAX_HEAD_DIM>;
var<workgroup> rowB: array<f32, MAX_HEAD_DIM>;

fn flatIndex(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

fn kvOffset(b: u32, j: u32, kvh: u32) -> u32 {
  return ((b * p.S + j) * p.nKv + kvh) * p.d;
}

// (q · k · scale, dout · v) of the staged query row with the key row at ko (dq_main) ...
fn stagedQueryDots(ko: u32) -> vec2f {
  var s = 0.0;
  var dp = 0.0;
  for (var i = 0u; i < p.d; i++) {
    s += rowA[i] * k[ko + i];
    dp += rowB[i] * v[ko + i];
  }
  return vec2f(s * p.scale, dp);
}

// ... or of the query row at qo with the staged key row (dkv_main)
fn stagedKeyDots(qo: u32) -> vec2f {
  var s = 0.0;
  var dp = 0.0;
  for (var i = 0u; i < p.d; i++) {
    s += q[qo + i] * rowA[i];
    dp += dout[qo + i] * rowB[i];
  }
  return vec2f(s * p.scale, dp);
}

// This thread's head-dim elements tid + c · WG (c = 0..3) of the row at offset o, 0 past d. Explicit
// components keep the accumulators in registers.
fn qDims(o: u32, tid: u32) -> vec4f {
  var x = vec4f(0.0);
  if (tid < p.d) { x.x = q[o + tid]; }
  if (DIMS_PER_THREAD > 1u && tid + WG < p.d) { x.y = q[o + tid + WG]; }
  if (DIMS_PER_THREAD > 2u && tid + 2u * WG < p.d) { x.z = q[o + tid + 2u * WG]; }
  if (DIMS_PER_THREAD > 3u && tid + 3u * WG < p.d) { x.w = q[o + tid + 3u * WG]; }
  return x;
}

fn doutDims(o: u32, tid: u32) -> vec4f {
  var x = vec4f(0.0);
  if (tid < p.d) { x.x = dout[o + tid]; }
  if (DIMS_PER_THREAD > 1u && tid + WG < p.d) { x.y = dout[o + tid + WG]; }
  if (DIMS_PER_THREAD > 2u && tid + 2u * WG < p.d) { x.z = dout[o + tid + 2u * WG]; }
  if (DIMS_PER_THREAD > 3u && tid + 3u * WG < p.d) { x.w = dout[o + tid + 3u * WG]; }
  return x;
}

fn kDims(o: u32, tid: u32) -> vec4f {
  var x = vec4f(0.0);
  if (tid < p.d) { x.x = k[o + tid]; }
  if (DIMS_PER_THREAD > 1u && tid + WG < p.d) { x.y = k[o + tid + WG]; }
  if (DIMS_PER_THREAD > 2u && tid + 2u * WG < p.d) { x.z = k[o + tid + 2u * WG]; }
  if (DIMS_PER_THREAD > 3u && tid + 3u * WG < p.d) { x.w = k[o + tid + 3u * WG]; }
  return x;
}

// Online statistics (m, l, w) with l = Σ e^(s − m), w = Σ e^(s − m) dp: folds in one score ...
fn foldScore(st: vec3f, s: f32, dp: f32) -> vec3f {
  if (s > st.x) {
    let r = exp(st.x - s);
    return vec3f(s, st.y * r + 1.0, st.z * r + dp);
  }
  let e = exp(s - st.x);
  return vec3f(st.x, st.y + e, st.z + e * dp);
}

// ... or merges two partial statistics.
fn mergeStats(a: vec3f, b: vec3f) -> vec3f {
  let m = max(a.x, b.x);
  let ra = exp(a.x - m);
  let rb = exp(b.x - m);
  return vec3f(m, a.y * ra + b.y * rb, a.z * ra + b.z * rb);
}

// The workgroup's merged statistics from each thread's: two levels of REDUCE_GROUPS, two barriers;
// every thread ends with the result.
fn reduceStats(st: vec3f, tid: u32) -> vec3f {
  partials[tid] = st;
  workgroupBarrier();
  let size = WG / REDUCE_GROUPS;
  if (tid < REDUCE_GROUPS) {
    var g = partials[tid * size];
    for (var i = 1u; i < size; i++) { g = mergeStats(g, partials[tid * size + i]); }
    groupPartials[tid] = g;
  }
  workgroupBarrier();
  var all = groupPartials[0];
  for (var i = 1u; i < REDUCE_GROUPS; i++) { all = mergeStats(all, groupPartials[i]); }
  return all;
}

@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> statsOut: array<f32>;

@compute @workgroup_size(WG)
fn dq_main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let row = flatIndex(wid, nwg); // (b, t, h)
  if (row >= p.B * p.Tq * p.nHeads) { return; }
  let h = row % p.nHeads;
  let t = (row / p.nHeads) % p.Tq;
  let b = row / (p.nHeads * p.Tq);
  let kvh = h / (p.nHeads / p.nKv);
  let visible = min(start[b] + t + 1u, p.S);
  let qo = row * p.d;
  for (var i = tid; i < p.d; i += WG) {
    rowA[i] = q[qo + i];
    rowB[i] = dout[qo + i];
  }
  workgroupBarrier();

  // pass 1: thread tid folds keys tid, tid + WG, ...; the first CHUNK keys' (s, dp) stay in registers
  var st = vec3f(NEG_BIG, 0.0, 0.0);
  var cached: array<vec2f, PER_THREAD>;
  for (var c = 0u; c < PER_THREAD; c++) {
    let j = c * WG + tid;
    if (j < visible) {
      cached[c] = stagedQueryDots(kvOffset(b, j, kvh));
      st = foldScore(st, cached[c].x, cached[c].y);
    }
  }
  for (var j = CHUNK + tid; j < visible; j += WG) {
    let sd = stagedQueryDots(kvOffset(b, j, kvh));
    st = foldScore(st, sd.x, sd.y);
  }
  let all = reduceStats(st, tid);
  let lse = all.x + log(all.y);
  let D = all.z / all.y;
  if (tid == 0u) {
    statsOut[row * 2u] = lse;
    statsOut[row * 2u + 1u] = D;
  }

  // pass 2: dq = scale Σ_j p_j (dp_j − D) k_j, CHUNK keys at a time (later chunks recompute (s, dp))
  var acc = vec4f(0.0);
  for (var base = 0u; base < visible; base += CHUNK) {
    for (var c = 0u; c < PER_THREAD; c++) {
      let j = base + c * WG + tid;
      var ds = 0.0;
      if (j < visible) {
        var sd: vec2f;
        if (base == 0u) {
          sd = cached[c];
        } else {
          sd = stagedQueryDots(kvOffset(b, j, kvh));
        }
        ds = exp(sd.x - lse) * (sd.y - D) * p.scale;
      }
      coefDs[c * WG + tid] = ds;
    }
    workgroupBarrier();
    let n = min(CHUNK, visible - base);
    for (var r = 0u; r < n; r++) {
      acc += coefDs[r] * kDims(kvOffset(b, base + r, kvh), tid);
    }
    if (base + CHUNK < visible) { workgroupBarrier(); } // coefDs is rewritten next
  }
  for (var c = 0u; c < DIMS_PER_THREAD; c++) {
    let i = tid + c * WG;
    if (i < p.d) { dq[qo + i] = acc[c]; }
  }
}

@group(0) @binding(6) var<storage, read> statsIn: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<f32>;
@group(0) @binding(8) var<storage, read_write> dv: array<f32>;

// Query row r (0-based among the rows that see the key) of key head kvh: r = (t − t0) · group + (h − kvh · group).
fn queryRowOf(b: u32, t0: u32, kvh: u32, group: u32, r: u32) -> u32 {
  let t = t0 + r / group;
  let h = kvh * group + r % group;
  return (b * p.Tq + t) * p.nHeads + h;
}

@compute @workgroup_size(WG)
fn dkv_main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let key = flatIndex(wid, nwg); // (b, j, kv head)
  if (key >= p.B * p.S * p.nKv) { return; }
  let kvh = key % p.nKv;
  let j = (key / p.nKv) % p.S;
  let b = key / (p.nKv * p.S);
  let group = p.nHeads / p.nKv;
  let ko = key * p.d;
  for (var i = tid; i < p.d; i += WG) {
    rowA[i] = k[ko + i];
    rowB[i] = v[ko + i];
  }
  workgroupBarrier();
  // queries t with start[b] + t ≥ j see key j
  let s0 = start[b];
  var t0 = 0u;
  if (j > s0) { t0 = j - s0; }
  var rows = 0u;
  if (t0 < p.Tq) { rows = (p.Tq - t0) * group; }

  var accK = vec4f(0.0);
  var accV = vec4f(0.0);
  for (var base = 0u; base < rows; base += CHUNK) {
    // each thread: p and ds of rows base + tid, base + tid + WG, ...
    for (var c = 0u; c < PER_THREAD; c++) {
      let r = base + c * WG + tid;
      var pr = 0.0;
      var ds = 0.0;
      if (r < rows) {
        let qr = queryRowOf(b, t0, kvh, group, r);
        let sd = stagedKeyDots(qr * p.d);
        pr = exp(sd.x - statsIn[qr * 2u]);
        ds = pr * (sd.y - statsIn[qr * 2u + 1u]) * p.scale;
      }
      coefP[c * WG + tid] = pr;
      coefDs[c * WG + tid] = ds;
    }
    workgroupBarrier();
    // the threads split the head dim: dk += ds · q, dv += p · dout over the chunk's rows, which step
    // through the group's heads, then to the next query (no per-row division)
    let n = min(CHUNK, rows - base);
    var qr = queryRowOf(b, t0, kvh, group, base);
    var hg = base % group;
    for (var rr = 0u; rr < n; rr++) {
      let qo = qr * p.d;
      accK += coefDs[rr] * qDims(qo, tid);
      accV += coefP[rr] * doutDims(qo, tid);
      qr++;
      hg++;
      if (hg == group) {
        hg = 0u;
        qr += p.nHeads - group;
      }
    }
    if (base + CHUNK < rows) { workgroupBarrier(); } // coefP, coefDs are rewritten next
  }
  for (var c = 0u; c < DIMS_PER_THREAD; c++) {
    let i = tid + c * WG;
    if (i < p.d) {
      dk[ko + i] = accK[c];
      dv[ko + i] = accV[c];
    }
  }
}

// ---- thread per row ----

fn qRowOffset(b: u32, t: u32, h: u32) -> u32 {
  return ((b * p.Tq + t) * p.nHeads + h) * p.d;
}

// (q · k · scale, dout · v) of the query row at qo and the key row at ko
fn rowDots(qo: u32, ko: u32) -> vec2f {
  var s = 0.0;
  var dp = 0.0;
  for (var i = 0u; i < p.d; i++) {
    s += q[qo + i] * k[ko + i];
    dp += dout[qo + i] * v[ko + i];
  }
  return vec2f(s * p.scale, dp);
}

@compute @workgroup_size(WG)
fn dq_rows_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= p.B * p.Tq * p.nHeads) { return; }
  let h = row % p.nHeads;
  let t = (row / p.nHeads) % p.Tq;
  let b = row / (p.nHeads * p.Tq);
  let kvh = h / (p.nHeads / p.nKv);
  let visible = min(start[b] + t + 1u, p.S);
  let qo = row * p.d;
  // pass 1: the online statistics give lse and D in one sweep
  var st = vec3f(NEG_BIG, 0.0, 0.0);
  for (var j = 0u; j < visible; j++) {
    let sd = rowDots(qo, kvOffset(b, j, kvh));
    st = foldScore(st, sd.x, sd.y);
  }
  let lse = st.x + log(st.y);
  let D = st.z / st.y;
  // pass 2: dq = scale Σ_j p_j (dp_j − D) k_j
  var acc: array<f32, MAX_HEAD_DIM>;
  for (var i = 0u; i < p.d; i++) { acc[i] = 0.0; }
  for (var j = 0u; j < visible; j++) {
    let ko = kvOffset(b, j, kvh);
    let sd = rowDots(qo, ko);
    let ds = exp(sd.x - lse) * (sd.y - D) * p.scale;
    for (var i = 0u; i < p.d; i++) { acc[i] += ds * k[ko + i]; }
  }
  for (var i = 0u; i < p.d; i++) { dq[qo + i] = acc[i]; }
  statsOut[row * 2u] = lse;
  statsOut[row * 2u + 1u] = D;
}

@compute @workgroup_size(WG)
fn dkv_rows_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let key = gid.x + gid.y * nwg.x * WG;
  if (key >= p.B * p.S * p.nKv) { return; }
  let kvh = key % p.nKv;
  let j = (key / p.nKv) % p.S;
  let b = key / (p.nKv * p.S);
  let group = p.nHeads / p.nKv;
  let ko = key * p.d;
  var accK: array<f32, MAX_HEAD_DIM>;
  var accV: array<f32, MAX_HEAD_DIM>;
  for (var i = 0u; i < p.d; i++) {
    accK[i] = 0.0;
    accV[i] = 0.0;
  }
  // queries t with start[b] + t ≥ j see key j
  let s0 = start[b];
  var t0 = 0u;
  if (j > s0) { t0 = j - s0; }
  for (var t = t0; t < p.Tq; t++) {
    for (var h = kvh * group; h < (kvh + 1u) * group; h++) {
      let qo = qRowOffset(b, t, h);
      let qr = (b * p.Tq + t) * p.nHeads + h;
      let sd = rowDots(qo, ko);
      let pj = exp(sd.x - statsIn[qr * 2u]);
      let ds = pj * (sd.y - statsIn[qr * 2u + 1u]) * p.scale;
      for (var i = 0u; i < p.d; i++) {
        accK[i] += ds * q[qo + i];
        accV[i] += pj * dout[qo + i];
      }
    }
  }
  for (var i = 0u; i < p.d; i++) {
    dk[ko + i] = accK[i];
    dv[ko + i] = accV[i];
  }
}
