// Fused scaled dot-product attention over a KV cache, with grouped-query heads.
// Legend: T = queries (tokens in this call), S = keys (past + new), H = query heads, Hkv = key/value
// heads, D = d_head. Query head h reads kv head g = ⌊h·Hkv/H⌋. For each (h, t), in one pass:
//   scores[s] = q[t,h]·k[s,g] · scale        for the visible keys s < past + t + 1 (causal) or s < S
//   p         = softmax(scores)              masked keys get weight 0
//   out[t,h]  = Σ_s p[s] · v[s,g]
// The scores live in scratch rows of S floats (a block of heads per thread); weights [H, T, S] is written
// only when the caller asks for it (weights = 0 means no).
import { hsum, madd } from './simd-math';
import { softmaxRow } from './softmax';

/** q·k over D values */
@inline
function dot(q: usize, k: usize, D: i32): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let d = 0;
  for (; d + 8 <= D; d += 8) {
    const o = <usize>d << 2;
    a0 = madd(v128.load(q + o), v128.load(k + o), a0);
    a1 = madd(v128.load(q + o, 16), v128.load(k + o, 16), a1);
  }
  for (; d + 4 <= D; d += 4) {
    const o = <usize>d << 2;
    a0 = madd(v128.load(q + o), v128.load(k + o), a0);
  }
  let s = hsum(f32x4.add(a0, a1));
  for (; d < D; d++) s += load<f32>(q + (<usize>d << 2)) * load<f32>(k + (<usize>d << 2));
  return s;
}

/** [Σa, Σb, Σc, Σd]: the four horizontal sums as one vector (two transposing adds). */
@inline
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7)); // [a0+a2, b0+b2, a1+a3, b1+b3]
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/**
 * [q·k0, q·k1, q·k2, q·k3] for four keys `stride` bytes apart, D a multiple of 4: eight independent
 * multiply-add chains (two per key), so the sums run at the core's throughput rather than its latency.
 */
@inline
function dot4(q: usize, k: usize, stride: usize, D: i32): v128 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  const k1 = k + stride, k2 = k + 2 * stride, k3 = k + 3 * stride;
  let d = 0;
  for (; d + 8 <= D; d += 8) {
    const o = <usize>d << 2;
    const x0 = v128.load(q + o);
    const x1 = v128.load(q + o, 16);
    a0 = madd(x0, v128.load(k + o), a0);
    a1 = madd(x0, v128.load(k1 + o), a1);
    a2 = madd(x0, v128.load(k2 + o), a2);
    a3 = madd(x0, v128.load(k3 + o), a3);
    b0 = madd(x1, v128.load(k + o, 16), b0);
    b1 = madd(x1, v128.load(k1 + o, 16), b1);
    b2 = madd(x1, v128.load(k2 + o, 16), b2);
    b3 = madd(x1, v128.load(k3 + o, 16), b3);
  }
  if (d < D) {
    const o = <usize>d << 2;
    const x0 = v128.load(q + o);
    a0 = madd(x0, v128.load(k + o), a0);
    a1 = madd(x0, v128.load(k1 + o), a1);
    a2 = madd(x0, v128.load(k2 + o), a2);
    a3 = madd(x0, v128.load(k3 + o), a3);
  }
  return hsum4(f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3));
}

/**
 * q [T, H, D], k/v [S, Hkv, D] → out [T, H, D] for the query heads [h0, h1), `hb` heads at a time.
 * Key-major: for one query row, each key row k[s] (all kv heads, contiguous) is read once for the block's
 * heads, so the cache streams through memory in order (a head-major walk strides Hkv·D·4 bytes per key
 * and, in decode, waits on memory latency key after key). Keys go four at a time, one from each quarter of the
 * visible keys: four sequential streams, four dot products as eight independent chains, and four value rows
 * added into out[t, h] with one load and store of it.
 * `scratch` holds hb score rows of ⌈4S/64⌉·64 bytes.
 */
export function attention_f32(
  out: usize, q: usize, k: usize, v: usize, weights: usize, scratch: usize,
  T: i32, S: i32, H: i32, Hkv: i32, D: i32, scale: f32, causal: i32, past: i32, hb: i32, h0: i32, h1: i32,
): void {
  const kvRow = (<usize>Hkv * <usize>D) << 2; // bytes from one key to the next
  const headBytes = <usize>D << 2;
  const rowBytes: usize = S > 0 ? ((<usize>S << 2) + 63) & ~63 : 64; // one score row
  // query heads per kv head (H % Hkv = 0): head h reads kv head g = ⌊h / group⌋, tracked by a counter in
  // the loops below (a division per key and head costs more than the dot product it indexes)
  const group = Hkv > 0 ? H / Hkv : 1;
  for (let b0 = h0; b0 < h1; b0 += hb) {
    const b1 = min(b0 + hb, h1);
    for (let t = 0; t < T; t++) {
      const visible = causal != 0 ? min(past + t + 1, S) : S;
      // scores[h][s] = q[t,h]·k[s,g(h)] · scale: the keys in four quarters of Q rows walked side by side
      // (keys i, i + Q, i + 2Q, i + 3Q: four sequential streams through the cache; D a multiple of 4), then
      // the last visible − 4Q keys one at a time
      const Q = (D & 3) == 0 ? visible >> 2 : 0;
      const qStride = <usize>Q * kvRow;
      const qBytes = <usize>Q << 2;
      const vscale = f32x4.splat(scale);
      for (let s = 0; s < visible; ) {
        const four = s < Q;
        const kr = k + <usize>s * kvRow;
        let g = b0 / group;
        let r = b0 - g * group - 1; // h mod group, one behind
        for (let h = b0; h < b1; h++) {
          if (++r === group) {
            r = 0;
            g++;
          }
          const qr = q + (<usize>(t * H + h) * <usize>D << 2);
          const at = scratch + <usize>(h - b0) * rowBytes + (<usize>s << 2);
          if (four) {
            const sc = f32x4.mul(dot4(qr, kr + <usize>g * headBytes, qStride, D), vscale);
            v128.store32_lane(at, sc, 0);
            v128.store32_lane(at + qBytes, sc, 1);
            v128.store32_lane(at + 2 * qBytes, sc, 2);
            v128.store32_lane(at + 3 * qBytes, sc, 3);
          } else store<f32>(at, dot(qr, kr + <usize>g * headBytes, D) * scale);
        }
        s = s + 1 == Q ? 4 * Q : s + 1;
      }
      for (let h = b0; h < b1; h++) {
        const row = scratch + <usize>(h - b0) * rowBytes;
        softmaxRow(row, row, visible);
        if (weights != 0) {
          const wr = weights + ((<usize>(h * T + t) * <usize>S) << 2);
          memory.copy(wr, row, <usize>visible << 2);
          if (visible < S) memory.fill(wr + (<usize>visible << 2), 0, <usize>(S - visible) << 2);
        }
        memory.fill(out + (<usize>(t * H + h) * <usize>D << 2), 0, headBytes);
      }
      // out[t, h] = Σ_s p[h][s] · v[s, g(h)]: the same four quarters side by side, four value rows added into
      // out[t, h] with one load and store of it, then the last rows one at a time
      for (let s = 0; s < visible; ) {
        const four = s < Q;
        const vs = v + <usize>s * kvRow;
        let g = b0 / group;
        let r = b0 - g * group - 1; // h mod group, one behind
        for (let h = b0; h < b1; h++) {
          if (++r === group) {
            r = 0;
            g++;
          }
          const ps = scratch + <usize>(h - b0) * rowBytes + (<usize>s << 2);
          const vr = vs + <usize>g * headBytes;
          const or = out + (<usize>(t * H + h) * <usize>D << 2);
          if (four) {
            const p0 = v128.load32_splat(ps), p1 = v128.load32_splat(ps + qBytes);
            const p2 = v128.load32_splat(ps + 2 * qBytes), p3 = v128.load32_splat(ps + 3 * qBytes);
            const v1 = vr + qStride, v2 = vr + 2 * qStride, v3 = vr + 3 * qStride;
            for (let d = 0; d < D; d += 4) {
              const o = <usize>d << 2;
              const a = madd(p0, v128.load(vr + o), madd(p1, v128.load(v1 + o), v128.load(or + o)));
              v128.store(or + o, madd(p2, v128.load(v2 + o), madd(p3, v128.load(v3 + o), a)));
            }
          } else {
            const pv = load<f32>(ps);
            const p = f32x4.splat(pv);
            let d = 0;
            for (; d + 4 <= D; d += 4) {
              const o = <usize>d << 2;
              v128.store(or + o, madd(p, v128.load(vr + o), v128.load(or + o)));
            }
            for (; d < D; d++) {
              const o = <usize>d << 2;
              store<f32>(or + o, load<f32>(or + o) + pv * load<f32>(vr + o));
            }
          }
        }
        s = s + 1 == Q ? 4 * Q : s + 1;
      }
    }
  }
}
