// Elementwise kernels: out first, pointers are byte offsets into linear memory, n = element count.
// out may equal an input (each lane is read before it is written). Scalar tails reuse the vector math
// through lane 0 so every element rounds the same way.
import { erfcPos4, exp4 } from './simd-math';

/** out[i] = a[i] + b[i mod period]; period = n (same shape) or C (b is one row broadcast over a). */
export function add_f32(out: usize, a: usize, b: usize, n: i32, period: i32): void {
  binary(out, a, b, n, period, false);
}

/** out[i] = a[i] · b[i mod period] */
export function mul_f32(out: usize, a: usize, b: usize, n: i32, period: i32): void {
  binary(out, a, b, n, period, true);
}

@inline
function op(x: v128, y: v128, isMul: bool): v128 {
  return isMul ? f32x4.mul(x, y) : f32x4.add(x, y);
}

@inline
function binary(out: usize, a: usize, b: usize, n: i32, period: i32, isMul: bool): void {
  // rows of `period` values; b restarts at each row
  const rows = n / period;
  for (let r = 0; r < rows; r++) {
    const base = (<usize>r * <usize>period) << 2;
    let i = 0;
    for (; i + 4 <= period; i += 4) {
      const o = base + (<usize>i << 2);
      v128.store(out + o, op(v128.load(a + o), v128.load(b + (<usize>i << 2)), isMul));
    }
    for (; i < period; i++) {
      const o = base + (<usize>i << 2);
      const x = load<f32>(a + o);
      const y = load<f32>(b + (<usize>i << 2));
      store<f32>(out + o, isMul ? x * y : x + y);
    }
  }
}

/** out[i] = x[i] · s */
export function scale_f32(out: usize, x: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(x + o), vs));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * s);
}

// One unary map: vector body over 8 then 4 lanes (two independent vectors per step: the exp polynomial is a
// long dependency chain), tail through a splat so it uses the same vector math.
@inline
function unary(out: usize, x: usize, n: i32, kind: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const a = unaryLanes(v128.load(x + o), kind);
    const b = unaryLanes(v128.load(x + o, 16), kind);
    v128.store(out + o, a);
    v128.store(out + o, b, 16);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryLanes(v128.load(x + o), kind));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(unaryLanes(f32x4.splat(load<f32>(x + o)), kind), 0));
  }
}

@inline
function unaryLanes(v: v128, kind: i32): v128 {
  if (kind == 0) return geluLanes(v);
  if (kind == 1) return geluTanhLanes(v);
  return siluLanes(v);
}

/** x·Φ(x), Φ(x) = erfc(−x/√2)/2, with erfc(−z) = 2 − erfc(z) for z < 0 (keeps Φ's digits for x ≪ 0). */
@inline
function geluLanes(x: v128): v128 {
  const z = f32x4.mul(x, f32x4.splat(-0.7071067811865476)); // −x/√2
  const e = erfcPos4(f32x4.abs(z));
  const erfcZ = v128.bitselect(f32x4.sub(f32x4.splat(2.0), e), e, f32x4.lt(z, f32x4.splat(0)));
  return f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), erfcZ);
}

/** 0.5·x·(1 + tanh(y)) = x·σ(2y) = x / (1 + e^(−2y)), y = √(2/π)·(x + 0.044715·x³): no tanh cancellation. */
@inline
function geluTanhLanes(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  const y = f32x4.mul(f32x4.splat(0.7978845608028654), f32x4.add(x, f32x4.mul(f32x4.splat(0.044715), x3)));
  const e = exp4(f32x4.mul(y, f32x4.splat(-2.0)));
  return f32x4.div(x, f32x4.add(f32x4.splat(1.0), e));
}

/** x·σ(x) = x / (1 + e^(−x)) */
@inline
function siluLanes(x: v128): v128 {
  return f32x4.div(x, f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** out[i] = silu(gate[i]) · up[i] */
@inline
function swiglu(out: usize, gate: usize, up: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(siluLanes(v128.load(gate + o)), v128.load(up + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = f32x4.extract_lane(siluLanes(f32x4.splat(load<f32>(gate + o))), 0);
    store<f32>(out + o, g * load<f32>(up + o));
  }
}

/**
 * The activation maps of n values by number (one call per chunk of a thread-pool job): kind 0 GELU (erf
 * form), 1 GELU (tanh form), 2 SiLU (x → out), 3 SwiGLU (out = silu(x) · y). Every element is computed the
 * same way in any chunk.
 */
export function map_f32(kind: i32, out: usize, x: usize, y: usize, n: i32): void {
  if (kind == 0) unary(out, x, n, 0);
  else if (kind == 1) unary(out, x, n, 1);
  else if (kind == 2) unary(out, x, n, 2);
  else swiglu(out, x, y, n);
}
