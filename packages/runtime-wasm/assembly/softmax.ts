// Row-wise softmax over the last dimension C: out_i = e^(x_i − max) / Σ_j e^(x_j − max).
// Legend: rows = all leading dimensions, C = last dimension. out may equal x.
import { exp4, hmax, hsum } from './simd-math';

/** Softmax of one row of C values at x into out (a row of all −∞ gives zeros). */
@inline
export function softmaxRow(out: usize, x: usize, C: i32): void {
  // subtract the row max: e^x overflows f32 above x ≈ 88
  let vmax = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= C; i += 4) vmax = f32x4.max(vmax, v128.load(x + (<usize>i << 2)));
  let m = hmax(vmax);
  for (; i < C; i++) m = max<f32>(m, load<f32>(x + (<usize>i << 2)));
  if (m == -Infinity) {
    // subtle: every entry masked; −∞ − (−∞) is NaN, and "no key" means no weight
    memory.fill(out, 0, <usize>C << 2);
    return;
  }
  // e^(x − max) into out (x is not needed afterwards, so out === x is fine), summing as we go
  const vm = f32x4.splat(m);
  let vsum = f32x4.splat(0);
  i = 0;
  for (; i + 4 <= C; i += 4) {
    const o = <usize>i << 2;
    const e = exp4(f32x4.sub(v128.load(x + o), vm));
    v128.store(out + o, e);
    vsum = f32x4.add(vsum, e);
  }
  let sum = hsum(vsum);
  for (; i < C; i++) {
    const o = <usize>i << 2;
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(x + o) - m)), 0);
    store<f32>(out + o, e);
    sum += e;
  }
  const vinv = f32x4.splat(<f32>1.0 / sum);
  const inv = <f32>1.0 / sum;
  i = 0;
  for (; i + 4 <= C; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(out + o), vinv));
  }
  for (; i < C; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(out + o) * inv);
  }
}

/** out [rows, C] = softmax(x [rows, C]) over the last dimension. */
export function softmax_f32(out: usize, x: usize, rows: i32, C: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>C) << 2;
    softmaxRow(out + o, x + o, C);
  }
}
