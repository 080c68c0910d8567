// Packed linear: w [N, K] re-laid once at load, in place, into panels of 4 output columns contiguous
// along K; the last N % 4 rows (if any) stay plain rows after the panels:
//   panel p < P = ⌊N/4⌋:   wp[p][k][j] = w[4p + j][k]      ([P][K][4], then the tail rows [N − 4P][K])
// and, per call, a block of x rows laid the same way with zero rows padding (xp [⌈T/4⌉][K][4], in the
// glue's fixed scratch). The GEMM micro-kernel keeps a 4 × 8 tile of outputs (4 rows of x, two panels) in
// 8 f32x4 accumulators: per k, 2 weight loads + 4 splats of x feed 8 multiply-adds, from two sequential
// streams and with no horizontal sums at the end. Decode (T = 1) streams eight panels at once, like the
// unpacked GEMV tile, each stream a long sequential run over an eighth of the panels. The ≤ 3 tail rows
// (GPT-2's 50257-row head has 1) are plain dot products.
// Legend: T = rows of x, K = inner, N = output columns; [n0, n1) are this caller's columns (multiples of 8
// except at N), so threads split N.
import { madd } from './simd-math';

/** One panel: d [K][4] = rows s0 .. s0 + 3 of a [·, K] matrix (rows ≥ valid read as zeros). */
@inline
function packPanel(d: usize, s0: usize, valid: i32, K: i32): void {
  const rowBytes = <usize>K << 2;
  if (valid >= 4) {
    let k = 0;
    // 4 rows × 4 k at a time: a 4 × 4 transpose in registers
    for (; k + 4 <= K; k += 4) {
      const o = <usize>k << 2;
      const r0 = v128.load(s0 + o);
      const r1 = v128.load(s0 + rowBytes + o);
      const r2 = v128.load(s0 + 2 * rowBytes + o);
      const r3 = v128.load(s0 + 3 * rowBytes + o);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // r0k0 r1k0 r0k1 r1k1
      const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // r2k0 r3k0 r2k1 r3k1
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // r0k2 r1k2 r0k3 r1k3
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // r2k2 r3k2 r2k3 r3k3
      const q = d + (o << 2);
      v128.store(q, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(q, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
      v128.store(q, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
      v128.store(q, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      const q = d + (o << 2);
      for (let j = 0; j < 4; j++) store<f32>(q + (<usize>j << 2), load<f32>(s0 + <usize>j * rowBytes + o));
    }
  } else {
    for (let k = 0; k < K; k++) {
      const o = <usize>k << 2;
      const q = d + (o << 2);
      for (let j = 0; j < 4; j++) {
        store<f32>(q + (<usize>j << 2), j < valid ? load<f32>(s0 + <usize>j * rowBytes + o) : 0);
      }
    }
  }
}

/**
 * dst [⌈R/4⌉][K][4] = src [R, K] regrouped by 4 rows (zero rows pad R up to a multiple of 4).
 * dst and src must not overlap.
 */
export function pack4_f32(dst: usize, src: usize, R: i32, K: i32): void {
  const panelBytes = <usize>K << 4;
  for (let p = 0; p < R; p += 4) {
    packPanel(dst + <usize>(p >> 2) * panelBytes, src + <usize>p * (<usize>K << 2), R - p, K);
  }
}

/**
 * The same regrouping in place for the ⌊R/4⌋ full panels of src [R, K] (the R % 4 tail rows stay as they
 * are): panel p occupies exactly the bytes of rows 4p..4p+3, so each panel is copied to tmp (16·K bytes)
 * and regrouped back over itself.
 */
export function pack4_inplace_f32(ptr: usize, tmp: usize, R: i32, K: i32): void {
  const panelBytes = <usize>K << 4;
  for (let p = 0; p + 4 <= R; p += 4) {
    const d = ptr + <usize>(p >> 2) * panelBytes;
    memory.copy(tmp, d, panelBytes);
    packPanel(d, tmp, 4, K);
  }
}

/** Store lanes [0, n) of v at p (n < 4: the last, partial panel). */
@inline
function storePartial(p: usize, v: v128, n: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** out[t..t+4 (rows < T), 4p..4p+8] from row tile xa (4 rows of xp) and panels p, p+1. */
@inline
function tile4x8(out: usize, xa: usize, wa: usize, wb: usize, bias: usize, t: i32, p: i32, T: i32, K: i32, N: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a = xa;
  let b0p = wa;
  let b1p = wb;
  const end = xa + (<usize>K << 4);
  while (a < end) {
    const b0 = v128.load(b0p);
    const b1 = v128.load(b1p);
    const s0 = v128.load32_splat(a);
    c00 = madd(s0, b0, c00);
    c01 = madd(s0, b1, c01);
    const s1 = v128.load32_splat(a, 4);
    c10 = madd(s1, b0, c10);
    c11 = madd(s1, b1, c11);
    const s2 = v128.load32_splat(a, 8);
    c20 = madd(s2, b0, c20);
    c21 = madd(s2, b1, c21);
    const s3 = v128.load32_splat(a, 12);
    c30 = madd(s3, b0, c30);
    c31 = madd(s3, b1, c31);
    a += 16;
    b0p += 16;
    b1p += 16;
  }
  const col = <usize>p << 4; // byte offset of column 4p
  if (bias != 0) {
    const v0 = v128.load(bias + col);
    const v1 = v128.load(bias + col, 16);
    c00 = f32x4.add(c00, v0); c10 = f32x4.add(c10, v0); c20 = f32x4.add(c20, v0); c30 = f32x4.add(c30, v0);
    c01 = f32x4.add(c01, v1); c11 = f32x4.add(c11, v1); c21 = f32x4.add(c21, v1); c31 = f32x4.add(c31, v1);
  }
  const rowBytes = <usize>N << 2;
  const o = out + <usize>t * rowBytes + col;
  v128.store(o, c00); v128.store(o, c01, 16);
  if (t + 1 < T) { v128.store(o + rowBytes, c10); v128.store(o + rowBytes, c11, 16); }
  if (t + 2 < T) { v128.store(o + 2 * rowBytes, c20); v128.store(o + 2 * rowBytes, c21, 16); }
  if (t + 3 < T) { v128.store(o + 3 * rowBytes, c30); v128.store(o + 3 * rowBytes, c31, 16); }
}

/** out[t..t+4 (rows < T), 4p..4p+4] from row tile xa and panel p alone. */
@inline
function tile4x4(out: usize, xa: usize, wa: usize, bias: usize, t: i32, p: i32, T: i32, K: i32, N: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let a = xa;
  let bp = wa;
  const end = xa + (<usize>K << 4);
  while (a < end) {
    const b = v128.load(bp);
    c0 = madd(v128.load32_splat(a), b, c0);
    c1 = madd(v128.load32_splat(a, 4), b, c1);
    c2 = madd(v128.load32_splat(a, 8), b, c2);
    c3 = madd(v128.load32_splat(a, 12), b, c3);
    a += 16;
    bp += 16;
  }
  const col = <usize>p << 4;
  if (bias != 0) {
    const v = v128.load(bias + col);
    c0 = f32x4.add(c0, v); c1 = f32x4.add(c1, v); c2 = f32x4.add(c2, v); c3 = f32x4.add(c3, v);
  }
  const rowBytes = <usize>N << 2;
  const o = out + <usize>t * rowBytes + col;
  v128.store(o, c0);
  if (t + 1 < T) v128.store(o + rowBytes, c1);
  if (t + 2 < T) v128.store(o + 2 * rowBytes, c2);
  if (t + 3 < T) v128.store(o + 3 * rowBytes, c3);
}

/**
 * The tail rows n ∈ [4P, N) (plain rows after the panels): out[t, n] = x[t] · w[n] + bias[n] for every
 * row t < T, x read from the packed block xp (T > 1: x[t][k] at tile t/4, lane t % 4) or as a plain row (T = 1).
 */
function tailRows(out: usize, xp: usize, wp: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  const P4 = N & ~3;
  const rowBytes = <usize>K << 2;
  for (let n = max(n0, P4); n < n1; n++) {
    const w = wp + <usize>n * rowBytes; // panels then tail rows: row n starts where it started in w
    const b: f32 = bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
    for (let t = 0; t < T; t++) {
      let s: f32 = 0;
      if (T === 1) {
        for (let k = 0; k < K; k++) s += load<f32>(xp + (<usize>k << 2)) * load<f32>(w + (<usize>k << 2));
      } else {
        const xa = xp + <usize>(t >> 2) * (<usize>K << 4) + (<usize>(t & 3) << 2);
        for (let k = 0; k < K; k++) s += load<f32>(xa + (<usize>k << 4)) * load<f32>(w + (<usize>k << 2));
      }
      store<f32>(out + ((<usize>t * <usize>N + <usize>n) << 2), s + b);
    }
  }
}

/**
 * out[0, panels p + j·G, j = 0..7] = x · those 8 panels: eight weight streams at once (decode). With the
 * panels of a range split into 8 groups of G and i = 0..G−1 walking each group, every stream reads its
 * group from start to end as one long sequential run (like the bandwidth probe), not 12 KB at a time.
 */
@inline
function gemv8(out: usize, x: usize, wp: usize, bias: usize, p: i32, G: i32, K: i32): void {
  const panelBytes = <usize>K << 4;
  const stride = <usize>G * panelBytes;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  let b = wp + <usize>p * panelBytes;
  const xe = x + (<usize>K << 2);
  for (let xk = x; xk < xe; xk += 4) {
    const s = v128.load32_splat(xk);
    a0 = madd(s, v128.load(b), a0);
    a1 = madd(s, v128.load(b + stride), a1);
    a2 = madd(s, v128.load(b + 2 * stride), a2);
    a3 = madd(s, v128.load(b + 3 * stride), a3);
    a4 = madd(s, v128.load(b + 4 * stride), a4);
    a5 = madd(s, v128.load(b + 5 * stride), a5);
    a6 = madd(s, v128.load(b + 6 * stride), a6);
    a7 = madd(s, v128.load(b + 7 * stride), a7);
    b += 16;
  }
  const colStride = <usize>G << 4; // bytes between the 8 panels' first columns
  const col = <usize>p << 4;
  if (bias != 0) {
    const c = bias + col;
    a0 = f32x4.add(a0, v128.load(c)); a1 = f32x4.add(a1, v128.load(c + colStride));
    a2 = f32x4.add(a2, v128.load(c + 2 * colStride)); a3 = f32x4.add(a3, v128.load(c + 3 * colStride));
    a4 = f32x4.add(a4, v128.load(c + 4 * colStride)); a5 = f32x4.add(a5, v128.load(c + 5 * colStride));
    a6 = f32x4.add(a6, v128.load(c + 6 * colStride)); a7 = f32x4.add(a7, v128.load(c + 7 * colStride));
  }
  const o = out + col;
  v128.store(o, a0); v128.store(o + colStride, a1); v128.store(o + 2 * colStride, a2); v128.store(o + 3 * colStride, a3);
  v128.store(o + 4 * colStride, a4); v128.store(o + 5 * colStride, a5); v128.store(o + 6 * colStride, a6); v128.store(o + 7 * colStride, a7);
}

/** out[0, 4p..4p+4] = x · panel p. */
@inline
function gemv1(out: usize, x: usize, wp: usize, bias: usize, p: i32, K: i32): void {
  let a = f32x4.splat(0);
  let b = wp + <usize>p * (<usize>K << 4);
  const xe = x + (<usize>K << 2);
  for (let xk = x; xk < xe; xk += 4) {
    a = madd(v128.load32_splat(xk), v128.load(b), a);
    b += 16;
  }
  const col = <usize>p << 4;
  if (bias != 0) a = f32x4.add(a, v128.load(bias + col));
  v128.store(out + col, a);
}

/**
 * out [T, N] columns [n0, n1) = x [T, K] · wᵀ + bias (bias = 0 for none), with w packed in place by
 * pack4_inplace_f32 (wp). T > 1: xp is x packed by pack4_f32 (the glue packs a block of at most 64 rows at a
 * time, so xp stays in L2 while the panels stream past it); T = 1: xp is the plain x row. n0 is a multiple of 8.
 */
export function linear_packed_f32(out: usize, xp: usize, wp: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  const p0 = n0 >> 2;
  const p1 = min(n1, N & ~3) >> 2; // full panels of [n0, n1)
  if (T === 1) {
    const G = (p1 - p0) >> 3; // panels per stream
    for (let i = 0; i < G; i++) gemv8(out, xp, wp, bias, p0 + i, G, K);
    for (let p = p0 + 8 * G; p < p1; p++) gemv1(out, xp, wp, bias, p, K);
  } else {
    const panelBytes = <usize>K << 4; // also the bytes of one 4-row tile of xp
    const tiles = (T + 3) >> 2;
    let p = p0;
    for (; p + 2 <= p1; p += 2) {
      const wa = wp + <usize>p * panelBytes;
      for (let i = 0; i < tiles; i++) tile4x8(out, xp + <usize>i * panelBytes, wa, wa + panelBytes, bias, i << 2, p, T, K, N);
    }
    for (; p < p1; p++) {
      const wa = wp + <usize>p * panelBytes;
      for (let i = 0; i < tiles; i++) tile4x4(out, xp + <usize>i * panelBytes, wa, bias, i << 2, p, T, K, N);
    }
  }
  if (n1 > (N & ~3)) tailRows(out, xp, wp, bias, T, K, N, n0, n1);
}

/**
 * out [T, C] = rows ids of a table [V, C] packed in place by pack4_inplace_f32: row v < 4⌊V/4⌋ is lane v % 4
 * of panel v / 4 (one value every 16 bytes), a tail row is plain. So a tied embedding / LM head can stay
 * packed for the head's GEMV.
 */
export function embedding_packed_f32(out: usize, table: usize, ids: usize, T: i32, C: i32, V: i32): void {
  const panelBytes = <usize>C << 4;
  const rowBytes = <usize>C << 2;
  for (let t = 0; t < T; t++) {
    const id = load<i32>(ids + (<usize>t << 2));
    const dst = out + <usize>t * rowBytes;
    if (id >= (V & ~3)) {
      memory.copy(dst, table + <usize>id * rowBytes, rowBytes);
      continue;
    }
    const src = table + <usize>(id >> 2) * panelBytes + (<usize>(id & 3) << 2);
    for (let c = 0; c < C; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 4)));
  }
}
