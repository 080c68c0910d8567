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

/**
 * q [T, H, D], k/v [S, Hkv, D] → out [T, H, D] for the query heads [h0, h1), `hb` heads at a time.
 * Key-major: for one query row, each key row k[s] (all kv heads, contiguous) is read once for the block's
 * heads, so the cache streams through memory in order (a head-major walk strides Hkv·D·4 bytes per key
 * and, in decode, waits on memory latency key after key). `scratch` holds hb score rows of ⌈4S/64⌉·64 bytes.
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
      // scores[h][s] = q[t,h]·k[s,g(h)] · scale, one key row at a time
      for (let s = 0; s < visible; s++) {
        const kr = k + <usize>s * kvRow;
        let g = b0 / group;
        let r = b0 - g * group - 1; // h mod group, one behind
        for (let h = b0; h < b1; h++) {
          if (++r === group) {
            r = 0;
            g++;
          }
          const qr = q + (<usize>(t * H + h) * <usize>D << 2);
          store<f32>(scratch + <usize>(h - b0) * rowBytes + (<usize>s << 2), dot(qr, kr + <usize>g * headBytes, D) * scale);
        }
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
      // out[t, h] = Σ_s p[h][s] · v[s, g(h)], one value row at a time; keys of weight 0 are skipped
      for (let s = 0; s < visible; s++) {
        const vs = v + <usize>s * kvRow;
        let g = b0 / group;
        let r = b0 - g * group - 1; // h mod group, one behind
        for (let h = b0; h < b1; h++) {
          if (++r === group) {
            r = 0;
            g++;
          }
          const ps = load<f32>(scratch + <usize>(h - b0) * rowBytes + (<usize>s << 2));
          if (ps == 0) continue;
          const p = f32x4.splat(ps);
          const vr = vs + <usize>g * headBytes;
          const or = out + (<usize>(t * H + h) * <usize>D << 2);
          let d = 0;
          for (; d + 4 <= D; d += 4) {
            const o = <usize>d << 2;
            v128.store(or + o, f32x4.add(v128.load(or + o), f32x4.mul(p, v128.load(vr + o))));
          }
          for (; d < D; d++) {
            const o = <usize>d << 2;
            store<f32>(or + o, load<f32>(or + o) + ps * load<f32>(vr + o));
          }
        }
      }
    }
  }
}
