// Rotary position embedding. Legend: T = tokens, heads = heads, D = d_head, R = rotaryDim (even, ≤ D).
// Row t turns pair i by the angle p·θ_i; the glue passes the table cs [T, R/2, 2] = (cos, sin) per pair,
// computed once per call in f64 and shared by every head:
//   (a, b) → (a·cos − b·sin, b·cos + a·sin)
// 'half' (interleaved = 0) pairs a = x[i], b = x[i + R/2]; 'interleaved' pairs a = x[2i], b = x[2i+1].
// out may equal x: each pair is read before it is written.

/** x [T, heads, D] → out [T, heads, D] with the (cos, sin) table cs [T, R/2, 2]. */
export function rope_f32(out: usize, x: usize, cs: usize, T: i32, heads: i32, D: i32, R: i32, interleaved: i32): void {
  const half = R >> 1;
  for (let t = 0; t < T; t++) {
    const table = cs + ((<usize>t * <usize>half) << 3);
    for (let h = 0; h < heads; h++) {
      const base = (<usize>(t * heads + h) * <usize>D) << 2;
      const xr = x + base;
      const or = out + base;
      if (interleaved == 0) {
        let i = 0;
        for (; i + 4 <= half; i += 4) {
          const ia = <usize>i << 2;
          const ib = <usize>(i + half) << 2;
          // (cos0, sin0, cos1, sin1), (cos2, sin2, cos3, sin3) → cos [4], sin [4]
          const c01 = v128.load(table + (<usize>i << 3));
          const c23 = v128.load(table + (<usize>i << 3), 16);
          const cos = v128.shuffle<f32>(c01, c23, 0, 2, 4, 6);
          const sin = v128.shuffle<f32>(c01, c23, 1, 3, 5, 7);
          const a = v128.load(xr + ia);
          const b = v128.load(xr + ib);
          v128.store(or + ia, f32x4.sub(f32x4.mul(a, cos), f32x4.mul(b, sin)));
          v128.store(or + ib, f32x4.add(f32x4.mul(b, cos), f32x4.mul(a, sin)));
        }
        for (; i < half; i++) {
          const ia = <usize>i << 2;
          const ib = <usize>(i + half) << 2;
          const cos = load<f32>(table + (<usize>i << 3));
          const sin = load<f32>(table + (<usize>i << 3), 4);
          const a = load<f32>(xr + ia);
          const b = load<f32>(xr + ib);
          store<f32>(or + ia, a * cos - b * sin);
          store<f32>(or + ib, b * cos + a * sin);
        }
      } else {
        for (let i = 0; i < half; i++) {
          const ia = <usize>(2 * i) << 2;
          const cos = load<f32>(table + (<usize>i << 3));
          const sin = load<f32>(table + (<usize>i << 3), 4);
          const a = load<f32>(xr + ia);
          const b = load<f32>(xr + ia, 4);
          store<f32>(or + ia, a * cos - b * sin);
          store<f32>(or + ia, b * cos + a * sin, 4);
        }
      }
      // dimensions R..D pass through
      if (out != x && R < D) memory.copy(or + (<usize>R << 2), xr + (<usize>R << 2), <usize>(D - R) << 2);
    }
  }
}
