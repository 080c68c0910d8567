// Fused scaled dot-product attention over a KV cache, with grouped-query heads.
// Legend: T = queries (tokens in this call), S = keys (past + new), H = query heads, Hkv = key/value
// heads, D = d_head. Query head h reads kv head g = ⌊h·Hkv/H⌋. For each (h, t), in one pass:
//   scores[s] = q[t,h]·k[s,g] · scale        for the visible keys s < past + t + 1 (causal) or s < S
//   p         = softmax(scores)              masked keys get weight 0
//   out[t,h]  = Σ_s p[s] · v[s,g]
// The scores live in a scratch row of S floats (one per thread); weights [H, T, S] is written only when
// the caller asks for it (weights = 0 means no).
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

/** q [T, H, D], k/v [S, Hkv, D] → out [T, H, D] for the query heads [h0, h1). */
export function attention_f32(
  out: usize, q: usize, k: usize, v: usize, weights: usize, scratch: usize,
  T: i32, S: i32, H: i32, Hkv: i32, D: i32, scale: f32, causal: i32, past: i32, h0: i32, h1: i32,
): void {
  const kvRow = (<usize>Hkv * <usize>D) << 2; // bytes from one key to the next
  const headBytes = <usize>D << 2;
  for (let h = h0; h < h1; h++) {
    const g = <i32>((<i64>h * <i64>Hkv) / <i64>H);
    const kg = k + <usize>g * headBytes;
    const vg = v + <usize>g * headBytes;
    for (let t = 0; t < T; t++) {
      const qr = q + (<usize>(t * H + h) * <usize>D << 2);
      const or = out + (<usize>(t * H + h) * <usize>D << 2);
      const visible = causal != 0 ? min(past + t + 1, S) : S;
      // scores = q·kᵀ · scale over the visible keys
      for (let s = 0; s < visible; s++) {
        store<f32>(scratch + (<usize>s << 2), dot(qr, kg + <usize>s * kvRow, D) * scale);
      }
      softmaxRow(scratch, scratch, visible);
      if (weights != 0) {
        const wr = weights + ((<usize>(h * T + t) * <usize>S) << 2);
        memory.copy(wr, scratch, <usize>visible << 2);
        if (visible < S) memory.fill(wr + (<usize>visible << 2), 0, <usize>(S - visible) << 2);
      }
      // out[t, h] = Σ_s p[s] · v[s, g]
      memory.fill(or, 0, headBytes);
      for (let s = 0; s < visible; s++) {
        const p = v128.load32_splat(scratch + (<usize>s << 2));
        const vr = vg + <usize>s * kvRow;
        let d = 0;
        for (; d + 4 <= D; d += 4) {
          const o = <usize>d << 2;
          v128.store(or + o, f32x4.add(v128.load(or + o), f32x4.mul(p, v128.load(vr + o))));
        }
        const ps = load<f32>(scratch + (<usize>s << 2));
        for (; d < D; d++) {
          const o = <usize>d << 2;
          store<f32>(or + o, load<f32>(or + o) + ps * load<f32>(vr + o));
        }
      }
    }
  }
}
