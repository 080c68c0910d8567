// The machine's SIMD peak as this engine compiles it, for the benchmark's "GFLOP/s vs peak" column:
// 8 independent multiply-add chains per iteration, 8 · 4 lanes · 2 flops = 64 flops, no memory traffic.
import { hsum, madd } from './simd-math';

/** Runs `iters` iterations (64 flops each) and returns a value that depends on all of them. */
export function peak_f32(iters: i32): f32 {
  const m = f32x4.splat(0.9999999);
  const c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  for (let i = 0; i < iters; i++) {
    a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
    a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
  }
  return hsum(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))));
}
