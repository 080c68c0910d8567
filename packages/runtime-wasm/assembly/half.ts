// Half-precision weights widened to f32 inside the kernels (WebAssembly SIMD128 has no f16 lanes, so the
// conversion is integer and float ops on i32x4 lanes). Legend: T = tokens, K = inner, N = outputs, V = vocab,
// C = d_model. `bf` selects the storage (a compile-time constant after inlining):
//   bf16 → f32: the 16 bits are the top of an f32: bits << 16
//   f16  → f32: em = bits & 0x7fff; f32 bits (em << 13) have the f16 exponent e in the f32 exponent field,
//               worth 2^(e − 127); × 2^112 rebias it to 2^(e − 15): exact for normals, and for subnormals
//               (e = 0: m·2^−136 · 2^112 = m·2^−24, f32 arithmetic keeps subnormals); e = 31 (±∞, NaN)
//               gets the f32 exponent 255 by OR-ing it in (the mantissa, hence NaN-ness, is kept); sign on top.
import { hsum, madd } from './simd-math';

const REBIAS: f32 = 5.192296858534828e33; // 2^112

/** f32 lanes of four 16-bit patterns held in the low halves of i32x4 lanes (zero-extended); exact for every pattern. */
@inline
function widen4(u: v128, bf: bool): v128 {
  if (bf) return i32x4.shl(u, 16);
  const em = v128.and(u, i32x4.splat(0x7fff));
  let v = f32x4.mul(i32x4.shl(em, 13), f32x4.splat(REBIAS));
  v = v128.or(v, v128.and(i32x4.gt_s(em, i32x4.splat(0x7bff)), i32x4.splat(0x7f800000)));
  return v128.or(v, i32x4.shl(v128.and(u, i32x4.splat(0x8000)), 16));
}

/**
 * The hot-loop form for linear's weights, on sign-extended lanes (i32x4.extend_*_i16x8_s): 3 ops for f16.
 * (s << 13) puts the sign in bit 31 and em in bits 13..27; masking 0x8fffe000 drops the sign copies in
 * 28..30; × 2^112 rebias as above. Exact for every finite f16 (subnormals included); ±∞ / NaN weights
 * (exponent 31) read as finite 2^16·(1 + m/1024) here — checkpoints hold none (widen4 keeps them for embedding).
 * bf16: s << 16 shifts the sign copies out.
 */
@inline
function widen4s(s: v128, bf: bool): v128 {
  if (bf) return i32x4.shl(s, 16);
  return f32x4.mul(v128.and(i32x4.shl(s, 13), i32x4.splat(0x8fffe000)), f32x4.splat(REBIAS));
}

/** f32 lanes of halves 0..3 of 8 packed 16-bit weights. */
@inline
function wlo(h: v128, bf: bool): v128 {
  return widen4s(i32x4.extend_low_i16x8_s(h), bf);
}

/** f32 lanes of halves 4..7 of 8 packed 16-bit weights. */
@inline
function whi(h: v128, bf: bool): v128 {
  return widen4s(i32x4.extend_high_i16x8_s(h), bf);
}

/** One 16-bit pattern → f32 (the scalar form of widen4). */
@inline
function widen1(bits: u32, bf: bool): f32 {
  if (bf) return reinterpret<f32>(bits << 16);
  const em = bits & 0x7fff;
  let v = reinterpret<u32>(reinterpret<f32>(em << 13) * REBIAS);
  if (em > 0x7bff) v |= 0x7f800000;
  return reinterpret<f32>(v | ((bits & 0x8000) << 16));
}

/** out[t..t+4, n] for x rows t..t+3 and half w row n: each 8 weights widened once, used by 4 rows. */
@inline
function tile4x1(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32, bf: bool): void {
  const xRow = <usize>K << 2;
  const x0 = x + <usize>t * xRow;
  const x1 = x0 + xRow;
  const x2 = x1 + xRow;
  const x3 = x2 + xRow;
  const w0 = w + ((<usize>n * <usize>K) << 1);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const h = v128.load(w0 + (<usize>k << 1)); // 8 halves
    const lo = wlo(h, bf);
    const hi = whi(h, bf);
    const o = <usize>k << 2;
    a0 = madd(v128.load(x0 + o, 16), hi, madd(v128.load(x0 + o), lo, a0));
    a1 = madd(v128.load(x1 + o, 16), hi, madd(v128.load(x1 + o), lo, a1));
    a2 = madd(v128.load(x2 + o, 16), hi, madd(v128.load(x2 + o), lo, a2));
    a3 = madd(v128.load(x3 + o, 16), hi, madd(v128.load(x3 + o), lo, a3));
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  for (; k < K; k++) {
    const b = widen1(<u32>load<u16>(w0 + (<usize>k << 1)), bf);
    const o = <usize>k << 2;
    s0 += load<f32>(x0 + o) * b;
    s1 += load<f32>(x1 + o) * b;
    s2 += load<f32>(x2 + o) * b;
    s3 += load<f32>(x3 + o) * b;
  }
  if (bias != 0) {
    const c = load<f32>(bias + (<usize>n << 2));
    s0 += c; s1 += c; s2 += c; s3 += c;
  }
  const outRow = <usize>N << 2;
  const o0 = out + ((<usize>t * <usize>N + <usize>n) << 2);
  store<f32>(o0, s0);
  store<f32>(o0 + outRow, s1);
  store<f32>(o0 + 2 * outRow, s2);
  store<f32>(o0 + 3 * outRow, s3);
}

/** out[t, n..n+4] for x row t and half w rows n..n+3 (the decode GEMV tile: four weight streams). */
@inline
function tile1x4(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32, bf: bool): void {
  const x0 = x + ((<usize>t * <usize>K) << 2);
  const wRow = <usize>K << 1;
  const w0 = w + <usize>n * wRow;
  const w1 = w0 + wRow;
  const w2 = w1 + wRow;
  const w3 = w2 + wRow;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const o = <usize>k << 2;
    const vl = v128.load(x0 + o);
    const vh = v128.load(x0 + o, 16);
    const p = <usize>k << 1;
    const h0 = v128.load(w0 + p);
    a0 = madd(vh, whi(h0, bf), madd(vl, wlo(h0, bf), a0));
    const h1 = v128.load(w1 + p);
    a1 = madd(vh, whi(h1, bf), madd(vl, wlo(h1, bf), a1));
    const h2 = v128.load(w2 + p);
    a2 = madd(vh, whi(h2, bf), madd(vl, wlo(h2, bf), a2));
    const h3 = v128.load(w3 + p);
    a3 = madd(vh, whi(h3, bf), madd(vl, wlo(h3, bf), a3));
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  for (; k < K; k++) {
    const v = load<f32>(x0 + (<usize>k << 2));
    const p = <usize>k << 1;
    s0 += v * widen1(<u32>load<u16>(w0 + p), bf);
    s1 += v * widen1(<u32>load<u16>(w1 + p), bf);
    s2 += v * widen1(<u32>load<u16>(w2 + p), bf);
    s3 += v * widen1(<u32>load<u16>(w3 + p), bf);
  }
  if (bias != 0) {
    const b = bias + (<usize>n << 2);
    s0 += load<f32>(b); s1 += load<f32>(b, 4); s2 += load<f32>(b, 8); s3 += load<f32>(b, 12);
  }
  const o0 = out + ((<usize>t * <usize>N + <usize>n) << 2);
  store<f32>(o0, s0); store<f32>(o0, s1, 4); store<f32>(o0, s2, 8); store<f32>(o0, s3, 12);
}

/** out[t, n] = x[t] · f32(w[n]) + bias[n] */
@inline
function tile1x1(out: usize, x: usize, w: usize, bias: usize, t: i32, n: i32, K: i32, N: i32, bf: bool): void {
  const x0 = x + ((<usize>t * <usize>K) << 2);
  const w0 = w + ((<usize>n * <usize>K) << 1);
  let a = f32x4.splat(0);
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const o = <usize>k << 2;
    const h = v128.load(w0 + (<usize>k << 1));
    a = madd(v128.load(x0 + o), wlo(h, bf), a);
    a = madd(v128.load(x0 + o, 16), whi(h, bf), a);
  }
  let s = hsum(a);
  for (; k < K; k++) s += load<f32>(x0 + (<usize>k << 2)) * widen1(<u32>load<u16>(w0 + (<usize>k << 1)), bf);
  if (bias != 0) s += load<f32>(bias + (<usize>n << 2));
  store<f32>(out + ((<usize>t * <usize>N + <usize>n) << 2), s);
}

/** Rows of x per cache block (as linear_f32). */
const T_BLOCK: i32 = 32;

/** out [T, N] columns [n0, n1) = x [T, K] · f32(w)ᵀ + bias (0 for none), w [N, K] of 16-bit patterns. */
@inline
function linearHalf(out: usize, x: usize, w: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32, bf: bool): void {
  for (let tb = 0; tb < T; tb += T_BLOCK) {
    const te = min(tb + T_BLOCK, T);
    const t4 = tb + ((te - tb) & ~3); // rows covered by 4-row tiles
    for (let n = n0; n < n1; n++) {
      for (let t = tb; t < t4; t += 4) tile4x1(out, x, w, bias, t, n, K, N, bf);
    }
    // leftover rows (and decode, T = 1): one x row against four w rows at a time
    for (let t = t4; t < te; t++) {
      let m = n0;
      for (; m + 4 <= n1; m += 4) tile1x4(out, x, w, bias, t, m, K, N, bf);
      for (; m < n1; m++) tile1x1(out, x, w, bias, t, m, K, N, bf);
    }
  }
}

/** linear with an f16 weight matrix w [N, K] (columns [n0, n1) of out [T, N]); f32 accumulation. */
export function linear_f16(out: usize, x: usize, w: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  linearHalf(out, x, w, bias, T, K, N, n0, n1, false);
}

/** linear with a bf16 weight matrix w [N, K] (columns [n0, n1) of out [T, N]); f32 accumulation. */
export function linear_bf16(out: usize, x: usize, w: usize, bias: usize, T: i32, K: i32, N: i32, n0: i32, n1: i32): void {
  linearHalf(out, x, w, bias, T, K, N, n0, n1, true);
}

/** out [T, C] = f32(table [V, C] rows at ids) (i32 [T], already checked 0 ≤ id < V). */
@inline
function embeddingHalf(out: usize, table: usize, ids: usize, T: i32, C: i32, bf: bool): void {
  for (let t = 0; t < T; t++) {
    const id = load<i32>(ids + (<usize>t << 2));
    const row = table + ((<usize>id * <usize>C) << 1);
    const o = out + ((<usize>t * <usize>C) << 2);
    let c = 0;
    for (; c + 8 <= C; c += 8) {
      const h = v128.load(row + (<usize>c << 1));
      v128.store(o + (<usize>c << 2), widen4(i32x4.extend_low_i16x8_u(h), bf));
      v128.store(o + (<usize>c << 2), widen4(i32x4.extend_high_i16x8_u(h), bf), 16);
    }
    for (; c < C; c++) store<f32>(o + (<usize>c << 2), widen1(<u32>load<u16>(row + (<usize>c << 1)), bf));
  }
}

/** embedding gather from an f16 table [V, C]. */
export function embedding_f16(out: usize, table: usize, ids: usize, T: i32, C: i32): void {
  embeddingHalf(out, table, ids, T, C, false);
}

/** embedding gather from a bf16 table [V, C]. */
export function embedding_bf16(out: usize, table: usize, ids: usize, T: i32, C: i32): void {
  embeddingHalf(out, table, ids, T, C, true);
}
