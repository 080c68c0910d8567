// Normalisations over the last dimension. Legend: T = rows (all leading dimensions), C = d_model.
// out may equal x: every pass reads x before the last pass writes out.
import { hsum } from './simd-math';

/** Σ x[0..C) */
@inline
function rowSum(x: usize, C: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= C; i += 8) {
    acc0 = f32x4.add(acc0, v128.load(x + (<usize>i << 2)));
    acc1 = f32x4.add(acc1, v128.load(x + (<usize>i << 2), 16));
  }
  for (; i + 4 <= C; i += 4) acc0 = f32x4.add(acc0, v128.load(x + (<usize>i << 2)));
  let s = hsum(f32x4.add(acc0, acc1));
  for (; i < C; i++) s += load<f32>(x + (<usize>i << 2));
  return s;
}

/** Σ (x − c)² over x[0..C) */
@inline
function rowSquares(x: usize, C: i32, c: f32): f32 {
  const vc = f32x4.splat(c);
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= C; i += 8) {
    const d0 = f32x4.sub(v128.load(x + (<usize>i << 2)), vc);
    const d1 = f32x4.sub(v128.load(x + (<usize>i << 2), 16), vc);
    acc0 = f32x4.add(acc0, f32x4.mul(d0, d0));
    acc1 = f32x4.add(acc1, f32x4.mul(d1, d1));
  }
  for (; i + 4 <= C; i += 4) {
    const d = f32x4.sub(v128.load(x + (<usize>i << 2)), vc);
    acc0 = f32x4.add(acc0, f32x4.mul(d, d));
  }
  let s = hsum(f32x4.add(acc0, acc1));
  for (; i < C; i++) {
    const d = load<f32>(x + (<usize>i << 2)) - c;
    s += d * d;
  }
  return s;
}

/** out [T, C] = (x − mean) / √(var + eps) · weight + bias (bias = 0 for no bias), biased variance. */
export function layer_norm_f32(out: usize, x: usize, weight: usize, bias: usize, T: i32, C: i32, eps: f32): void {
  for (let t = 0; t < T; t++) {
    const row = (<usize>t * <usize>C) << 2;
    const xr = x + row;
    const or = out + row;
    // two passes: mean first, then the variance around it (no E[x²] − E[x]² cancellation)
    const mean = rowSum(xr, C) / <f32>C;
    const variance = rowSquares(xr, C, mean) / <f32>C;
    const rstd = <f32>(1.0 / Math.sqrt(<f64>variance + <f64>eps));
    const vmean = f32x4.splat(mean);
    const vrstd = f32x4.splat(rstd);
    let i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      let y = f32x4.mul(f32x4.mul(f32x4.sub(v128.load(xr + o), vmean), vrstd), v128.load(weight + o));
      if (bias != 0) y = f32x4.add(y, v128.load(bias + o));
      v128.store(or + o, y);
    }
    for (; i < C; i++) {
      const o = <usize>i << 2;
      let y = (load<f32>(xr + o) - mean) * rstd * load<f32>(weight + o);
      if (bias != 0) y += load<f32>(bias + o);
      store<f32>(or + o, y);
    }
  }
}

/** out [T, C] = x / √(mean(x²) + eps) · weight */
export function rms_norm_f32(out: usize, x: usize, weight: usize, T: i32, C: i32, eps: f32): void {
  for (let t = 0; t < T; t++) {
    const row = (<usize>t * <usize>C) << 2;
    const xr = x + row;
    const or = out + row;
    const meanSquare = rowSquares(xr, C, 0) / <f32>C;
    const rms = <f32>(1.0 / Math.sqrt(<f64>meanSquare + <f64>eps));
    const vrms = f32x4.splat(rms);
    let i = 0;
    for (; i + 4 <= C; i += 4) {
      const o = <usize>i << 2;
      v128.store(or + o, f32x4.mul(f32x4.mul(v128.load(xr + o), vrms), v128.load(weight + o)));
    }
    for (; i < C; i++) {
      const o = <usize>i << 2;
      store<f32>(or + o, load<f32>(xr + o) * rms * load<f32>(weight + o));
    }
  }
}
