// Matrix products, the hot loop of prefill (GEMM) and decode (GEMV). Legend: T/M = rows, K = inner,
// N = columns. Each call computes the output columns [n0, n1) so threads can split N between them.
// Accumulation is in f32 lanes; every output is one dot product of length K.
import { hsum, madd } from './simd-math';

// ---------------------------------------------------------------------------------------------
// linear: out [T, N] = x [T, K] · wᵀ + bias, w [N, K] (nn.Linear rows, contiguous along K).
// Dot form: a register tile of 4 rows of x × 2 rows of w keeps 8 f32x4 accumulators over K and
// sums their lanes once at the end; K % 4 leftovers go through a scalar tail.
// ---------------------------------------------------------------------------------------------

/** out[t..t+4, n..n+2] for x rows t..t+3 and w rows n, n+1. */
@inline
function linear4x2(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32): void {
  const rowBytes = <usize>K << 2;
  const x0 = x + <usize>t * rowBytes;
  const x1 = x0 + rowBytes;
  const x2 = x1 + rowBytes;
  const x3 = x2 + rowBytes;
  const w0 = w + <usize>n * rowBytes;
  const w1 = w0 + rowBytes;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    const b0 = v128.load(w0 + o);
    const b1 = v128.load(w1 + o);
    const v0 = v128.load(x0 + o);
    a00 = madd(v0, b0, a00);
    a01 = madd(v0, b1, a01);
    const v1 = v128.load(x1 + o);
    a10 = madd(v1, b0, a10);
    a11 = madd(v1, b1, a11);
    const v2 = v128.load(x2 + o);
    a20 = madd(v2, b0, a20);
    a21 = madd(v2, b1, a21);
    const v3 = v128.load(x3 + o);
    a30 = madd(v3, b0, a30);
    a31 = madd(v3, b1, a31);
  }
  let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
  let s20 = hsum(a20), s21 = hsum(a21), s30 = hsum(a30), s31 = hsum(a31);
  for (; k < K; k++) {
    const o = <usize>k << 2;
    const b0 = load<f32>(w0 + o);
    const b1 = load<f32>(w1 + o);
    const v0 = load<f32>(x0 + o);
    const v1 = load<f32>(x1 + o);
    const v2 = load<f32>(x2 + o);
    const v3 = load<f32>(x3 + o);
    s00 += v0 * b0; s01 += v0 * b1;
    s10 += v1 * b0; s11 += v1 * b1;
    s20 += v2 * b0; s21 += v2 * b1;
    s30 += v3 * b0; s31 += v3 * b1;
  }
  if (bias != 0) {
    const c0 = load<f32>(bias + (<usize>n << 2));
    const c1 = load<f32>(bias + (<usize>n << 2), 4);
    s00 += c0; s10 += c0; s20 += c0; s30 += c0;
    s01 += c1; s11 += c1; s21 += c1; s31 += c1;
  }
  const outRow = <usize>N << 2;
  const o0 = out + ((<usize>t * <usize>N + <usize>n) << 2);
  store<f32>(o0, s00); store<f32>(o0, s01, 4);
  store<f32>(o0 + outRow, s10); store<f32>(o0 + outRow, s11, 4);
  store<f32>(o0 + 2 * outRow, s20); store<f32>(o0 + 2 * outRow, s21, 4);
  store<f32>(o0 + 3 * outRow, s30); store<f32>(o0 + 3 * outRow, s31, 4);
}

/**
 * out[t, n..n+8] for x row t and w rows n..n+7: the decode GEMV tile. Eight w rows stream at once, one
 * f32x4 accumulator each: decode is bound by memory, and on one core eight concurrent streams keep more
 * loads in flight than four (measured on GPT-2 shapes: ≈ 1.3× the bytes per second of a 4-row tile).
 */
@inline
function linear1x8(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32): void {
  const rowBytes = <usize>K << 2;
  const x0 = x + <usize>t * rowBytes;
  const w0 = w + <usize>n * rowBytes;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    const v = v128.load(x0 + o);
    const p = w0 + o;
    a0 = madd(v, v128.load(p), a0);
    a1 = madd(v, v128.load(p + rowBytes), a1);
    a2 = madd(v, v128.load(p + 2 * rowBytes), a2);
    a3 = madd(v, v128.load(p + 3 * rowBytes), a3);
    a4 = madd(v, v128.load(p + 4 * rowBytes), a4);
    a5 = madd(v, v128.load(p + 5 * rowBytes), a5);
    a6 = madd(v, v128.load(p + 6 * rowBytes), a6);
    a7 = madd(v, v128.load(p + 7 * rowBytes), a7);
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  let s4 = hsum(a4), s5 = hsum(a5), s6 = hsum(a6), s7 = hsum(a7);
  for (; k < K; k++) {
    const o = <usize>k << 2;
    const v = load<f32>(x0 + o);
    const p = w0 + o;
    s0 += v * load<f32>(p);
    s1 += v * load<f32>(p + rowBytes);
    s2 += v * load<f32>(p + 2 * rowBytes);
    s3 += v * load<f32>(p + 3 * rowBytes);
    s4 += v * load<f32>(p + 4 * rowBytes);
    s5 += v * load<f32>(p + 5 * rowBytes);
    s6 += v * load<f32>(p + 6 * rowBytes);
    s7 += v * load<f32>(p + 7 * rowBytes);
  }
  if (bias != 0) {
    const b = bias + (<usize>n << 2);
    s0 += load<f32>(b); s1 += load<f32>(b, 4); s2 += load<f32>(b, 8); s3 += load<f32>(b, 12);
    s4 += load<f32>(b, 16); s5 += load<f32>(b, 20); s6 += load<f32>(b, 24); s7 += load<f32>(b, 28);
  }
  const o0 = out + ((<usize>t * <usize>N + <usize>n) << 2);
  store<f32>(o0, s0); store<f32>(o0, s1, 4); store<f32>(o0, s2, 8); store<f32>(o0, s3, 12);
  store<f32>(o0, s4, 16); store<f32>(o0, s5, 20); store<f32>(o0, s6, 24); store<f32>(o0, s7, 28);
}

/** out[t, n] = x[t] · w[n] + bias[n] */
@inline
function linear1x1(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32): void {
  const rowBytes = <usize>K << 2;
  const x0 = x + <usize>t * rowBytes;
  const w0 = w + <usize>n * rowBytes;
  let a0 = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    a0 = madd(v128.load(x0 + o), v128.load(w0 + o), a0);
  }
  let s = hsum(a0);
  for (; k < K; k++) s += load<f32>(x0 + (<usize>k << 2)) * load<f32>(w0 + (<usize>k << 2));
  if (bias != 0) s += load<f32>(bias + (<usize>n << 2));
  store<f32>(out + ((<usize>t * <usize>N + <usize>n) << 2), s);
}

/** Rows of x per cache block: the block stays in L2 while every w row pair streams past it. */
const T_BLOCK: i32 = 32;

/** out [T, N] columns [n0, n1) = x [T, K] · wᵀ + bias (bias = 0 for none), w [N, K]. */
export function linear_f32(out: usize, x: usize, w: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  for (let tb = 0; tb < T; tb += T_BLOCK) {
    const te = min(tb + T_BLOCK, T);
    const t4 = tb + ((te - tb) & ~3); // rows covered by 4-row tiles
    let n = n0;
    for (; n + 2 <= n1; n += 2) {
      for (let t = tb; t < t4; t += 4) linear4x2(out, x, w, bias, t, n, K, N);
    }
    for (; n < n1; n++) {
      for (let t = tb; t < t4; t++) linear1x1(out, x, w, bias, t, n, K, N);
    }
    // leftover rows (and decode, T = 1): one x row against eight w rows at a time
    for (let t = t4; t < te; t++) {
      let m = n0;
      for (; m + 8 <= n1; m += 8) linear1x8(out, x, w, bias, t, m, K, N);
      for (; m < n1; m++) linear1x1(out, x, w, bias, t, m, K, N);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// matmul: out [M, N] = a [M, K] · b [K, N] (b rows contiguous along N, e.g. GPT-2 Conv1D [in, out]).
// Broadcast form: a register tile of 4 rows × 8 columns; per k, two f32x4 of b[k, n..n+8] and a splat of
// a[m, k] per row. No horizontal sums; columns that do not fill a vector go through a scalar tail.
// ---------------------------------------------------------------------------------------------

/** out[m..m+4, n..n+8] */
@inline
function matmul4x8(out: usize, a: usize, b: usize, m: i32, n: i32, K: i32, N: i32): void {
  const aRow = <usize>K << 2;
  const bRow = <usize>N << 2;
  const a0 = a + <usize>m * aRow;
  const a1 = a0 + aRow;
  const a2 = a1 + aRow;
  const a3 = a2 + aRow;
  let bp = b + (<usize>n << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const o = <usize>k << 2;
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    bp += bRow;
    const s0 = v128.load32_splat(a0 + o);
    c00 = madd(s0, b0, c00);
    c01 = madd(s0, b1, c01);
    const s1 = v128.load32_splat(a1 + o);
    c10 = madd(s1, b0, c10);
    c11 = madd(s1, b1, c11);
    const s2 = v128.load32_splat(a2 + o);
    c20 = madd(s2, b0, c20);
    c21 = madd(s2, b1, c21);
    const s3 = v128.load32_splat(a3 + o);
    c30 = madd(s3, b0, c30);
    c31 = madd(s3, b1, c31);
  }
  const o0 = out + ((<usize>m * <usize>N + <usize>n) << 2);
  v128.store(o0, c00); v128.store(o0, c01, 16);
  v128.store(o0 + bRow, c10); v128.store(o0 + bRow, c11, 16);
  v128.store(o0 + 2 * bRow, c20); v128.store(o0 + 2 * bRow, c21, 16);
  v128.store(o0 + 3 * bRow, c30); v128.store(o0 + 3 * bRow, c31, 16);
}

/** out[m, n..n+16] (the decode GEMV tile: one row of a, 16 columns of b per pass over K). */
@inline
function matmul1x16(out: usize, a: usize, b: usize, m: i32, n: i32, K: i32, N: i32): void {
  const a0 = a + ((<usize>m * <usize>K) << 2);
  const bRow = <usize>N << 2;
  let bp = b + (<usize>n << 2);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const s = v128.load32_splat(a0 + (<usize>k << 2));
    c0 = madd(s, v128.load(bp), c0);
    c1 = madd(s, v128.load(bp, 16), c1);
    c2 = madd(s, v128.load(bp, 32), c2);
    c3 = madd(s, v128.load(bp, 48), c3);
    bp += bRow;
  }
  const o0 = out + ((<usize>m * <usize>N + <usize>n) << 2);
  v128.store(o0, c0); v128.store(o0, c1, 16); v128.store(o0, c2, 32); v128.store(o0, c3, 48);
}

/** out[m, n..n+4] */
@inline
function matmul1x4(out: usize, a: usize, b: usize, m: i32, n: i32, K: i32, N: i32): void {
  const a0 = a + ((<usize>m * <usize>K) << 2);
  const bRow = <usize>N << 2;
  let bp = b + (<usize>n << 2);
  let c0 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    c0 = madd(v128.load32_splat(a0 + (<usize>k << 2)), v128.load(bp), c0);
    bp += bRow;
  }
  v128.store(out + ((<usize>m * <usize>N + <usize>n) << 2), c0);
}

/** out[m, n] */
@inline
function matmul1x1(out: usize, a: usize, b: usize, m: i32, n: i32, K: i32, N: i32): void {
  const a0 = a + ((<usize>m * <usize>K) << 2);
  const bRow = <usize>N << 2;
  let bp = b + (<usize>n << 2);
  let s: f32 = 0;
  for (let k = 0; k < K; k++) {
    s += load<f32>(a0 + (<usize>k << 2)) * load<f32>(bp);
    bp += bRow;
  }
  store<f32>(out + ((<usize>m * <usize>N + <usize>n) << 2), s);
}

/** out [M, N] columns [n0, n1) = a [M, K] · b [K, N]. */
export function matmul_f32(out: usize, a: usize, b: usize, M: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  const m4 = M & ~3;
  let n = n0;
  for (; n + 8 <= n1; n += 8) {
    for (let m = 0; m < m4; m += 4) matmul4x8(out, a, b, m, n, K, N);
  }
  for (; n + 4 <= n1; n += 4) {
    for (let m = 0; m < m4; m++) matmul1x4(out, a, b, m, n, K, N);
  }
  for (; n < n1; n++) {
    for (let m = 0; m < m4; m++) matmul1x1(out, a, b, m, n, K, N);
  }
  // leftover rows (and decode, M = 1)
  for (let m = m4; m < M; m++) {
    let j = n0;
    for (; j + 16 <= n1; j += 16) matmul1x16(out, a, b, m, j, K, N);
    for (; j + 4 <= n1; j += 4) matmul1x4(out, a, b, m, j, K, N);
    for (; j < n1; j++) matmul1x1(out, a, b, m, j, K, N);
  }
}
