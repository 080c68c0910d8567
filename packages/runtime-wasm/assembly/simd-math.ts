// Vector math on f32x4 lanes shared by the kernels: exp, erfc, horizontal sum.
// All functions are @inline so they compile into the kernel loops.

/** [a, b, c, d] → a + b + c + d */
@inline
export function hsum(v: v128): f32 {
  // [a, b, c, d] + [c, d, a, b] = [a+c, b+d, ..]; then lane 0 + lane 1
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** [a, b, c, d] → max(a, b, c, d) */
@inline
export function hmax(v: v128): f32 {
  const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return max<f32>(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1));
}

/**
 * e^x per lane (Cephes expf): x = n·ln2 + r, |r| ≤ ln2/2, e^r by a degree-5 polynomial, 2^n by building
 * the exponent bits. Relative error ≈ 2e-7. e^x = 0 for x < −87.3 (so e^−∞ = 0), +∞ for x > 88.7.
 */
@inline
export function exp4(x: v128): v128 {
  const hi = f32x4.splat(88.3762626647949);
  const lo = f32x4.splat(-87.3365447504);
  const tooSmall = f32x4.lt(x, lo);
  const tooBig = f32x4.gt(x, hi);
  // pmin / pmax are one instruction each (min / max carry NaN and −0 rules worth ~7); a NaN x is put back below
  const xc = f32x4.pmax(f32x4.pmin(x, hi), lo);
  // n = round(x / ln2)
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504088896341)));
  // r = x − n·ln2 in two steps (ln2 = C1 + C2) to keep r exact
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  // 2^n: (n + 127) << 23 as float bits; n ∈ [−126, 128) after the clamp, so split 2^n = 2^(n/2)·2^(n−n/2)
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const p1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const p2 = i32x4.shl(i32x4.add(n2, bias), 23);
  let y = f32x4.mul(f32x4.mul(p, p1), p2);
  y = v128.bitselect(f32x4.splat(0), y, tooSmall);
  y = v128.bitselect(f32x4.splat(Infinity), y, tooBig);
  // NaN in, NaN out
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

/**
 * erfc(z) per lane for z ≥ 0 (Numerical Recipes erfcc, Chebyshev fit): fractional error < 1.2e-7.
 * erfc(z) = t·exp(−z² − 1.26551223 + t·P(t)), t = 1 / (1 + z/2).
 */
@inline
export function erfcPos4(z: v128): v128 {
  const t = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), f32x4.mul(f32x4.splat(0.5), z)));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  const e = f32x4.add(f32x4.sub(f32x4.mul(p, t), f32x4.mul(z, z)), f32x4.splat(-1.26551223));
  return f32x4.mul(t, exp4(e));
}

/** Scalar e^x through lane 0 of exp4, so scalar tails round exactly like the vector body. */
@inline
export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/**
 * acc + a·b per lane. The relaxed-SIMD build fuses it (one rounding, FMA where the CPU has it); the
 * plain SIMD build multiplies then adds.
 */
@inline
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}
