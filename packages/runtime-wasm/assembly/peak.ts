// The machine's SIMD peak as this engine compiles it, for the benchmark's "GFLOP/s vs peak" column:
// 12 independent multiply-add chains per iteration (enough to cover the add latency on two or more FP
// ports), 12 · 4 lanes · 2 flops = 96 flops, no memory traffic.
import { hsum, madd } from './simd-math';

/** Runs `iters` iterations (96 flops each) and returns a value that depends on all of them. */
export function peak_f32(iters: i32): f32 {
  const m = f32x4.splat(0.9999999);
  const c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < iters; i++) {
    a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
    a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
    a8 = madd(a8, m, c); a9 = madd(a9, m, c); a10 = madd(a10, m, c); a11 = madd(a11, m, c);
  }
  const s0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  const s1 = f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7));
  const s2 = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  return hsum(f32x4.add(f32x4.add(s0, s1), s2));
}

/**
 * The memory-bandwidth probe: reads [ptr, ptr + bytes) once (bytes a multiple of 128) as eight concurrent
 * sequential streams, one per eighth of the range, as the decode GEMV reads eight weight rows (or panels)
 * at once: on one core, more streams keep more loads in flight than a single sequential read, so this is
 * the rate a kernel can reach. Returns a value that depends on every byte read (no load can be dropped).
 */
export function stream_read_f32(ptr: usize, bytes: usize): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  const part = bytes >> 3;
  const end = ptr + part;
  for (let p = ptr; p < end; p += 16) {
    a0 = f32x4.add(a0, v128.load(p));
    a1 = f32x4.add(a1, v128.load(p + part));
    a2 = f32x4.add(a2, v128.load(p + 2 * part));
    a3 = f32x4.add(a3, v128.load(p + 3 * part));
    a4 = f32x4.add(a4, v128.load(p + 4 * part));
    a5 = f32x4.add(a5, v128.load(p + 5 * part));
    a6 = f32x4.add(a6, v128.load(p + 6 * part));
    a7 = f32x4.add(a7, v128.load(p + 7 * part));
  }
  const s0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  const s1 = f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7));
  return hsum(f32x4.add(s0, s1));
}
