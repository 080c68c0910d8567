// Reference scaled dot-product attention with grouped-query heads.
// Legend: T = queries (tokens in this call), S = keys (past + new), H = query heads, Hkv = key/value
// heads, D = d_head. Query head h reads kv head ⌊h·Hkv/H⌋ (HF repeat_kv: h / (H/Hkv)).
//   scores[s] = q[t,h]·k[s,g] · scale,   masked (−∞) where causal and s > past + t
//   weights   = softmax(scores)           (a fully masked row gives zeros)
//   out[t,h]  = Σ_s weights[s] · v[s,g]
// Attention is the only op that mixes information across time.

import type { AttentionOptions } from '../../backend';
import { LlmfError } from '../../errors';
import type { Tensor } from '../../tensor';
import { checkNoOverlap, checkNumber, checkShape, checkTensor, fmt, shapeError } from './check';

/** q [T, H, D], k [S, Hkv, D], v [S, Hkv, D] → out [T, H, D]; o.weights, if given, receives [H, T, S]. */
export function attention(out: Tensor, q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): void {
  checkTensor('attention', 'q', q, 3);
  checkTensor('attention', 'k', k, 3);
  const [T, H, D] = q.shape as [number, number, number];
  const [S, Hkv, Dk] = k.shape as [number, number, number];
  if (Dk !== D)
    shapeError('attention', `q ${fmt(q.shape)} and k ${fmt(k.shape)} must have the same head size D`);
  if (Hkv === 0 ? H !== 0 : H % Hkv !== 0) {
    shapeError(
      'attention',
      `q has ${H} heads and k has ${Hkv}; query heads must be a multiple of key/value heads (GQA)`,
    );
  }
  checkShape('attention', 'v', v, [S, Hkv, D]);
  checkShape('attention', 'out', out, [T, H, D]);
  if (o === null || typeof o !== 'object')
    throw new LlmfError('INVALID_ARGUMENT', 'attention: options { scale, causal } are required');
  checkNumber('attention', 'scale', o.scale);
  // past only matters under the causal mask (non-causal attention may have T > S, e.g. cross-attention)
  const past = o.past ?? S - T;
  if (o.causal && (!Number.isInteger(past) || past < 0 || past + T > S)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `attention: past = ${past} with ${T} queries and ${S} keys; need 0 ≤ past ≤ S − T (past defaults to S − T)`,
    );
  }
  if (o.weights !== undefined) {
    checkShape('attention', 'weights', o.weights, [H, T, S]);
    checkNoOverlap('attention', 'weights', o.weights, 'out', out);
  }
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    checkNoOverlap('attention', 'out', out, name, t);
    if (o.weights !== undefined) checkNoOverlap('attention', 'weights', o.weights, name, t);
  }
  const Q = q.data;
  const K = k.data;
  const Vd = v.data;
  const O = out.data;
  const scores = new Float64Array(S);
  for (let h = 0; h < H; h++) {
    const g = Math.floor((h * Hkv) / H); // kv head of query head h
    for (let t = 0; t < T; t++) {
      const qBase = (t * H + h) * D;
      // visible keys: all, or 0..past+t when causal
      const visible = o.causal ? past + t + 1 : S;
      let max = Number.NEGATIVE_INFINITY;
      let hasNaN = false;
      for (let s = 0; s < S; s++) {
        if (s >= visible) {
          scores[s] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const kBase = (s * Hkv + g) * D;
        let dot = 0; // f64
        for (let d = 0; d < D; d++) dot += Q[qBase + d] * K[kBase + d];
        scores[s] = dot * o.scale;
        if (Number.isNaN(scores[s])) hasNaN = true;
        else if (scores[s] > max) max = scores[s];
      }
      if (hasNaN) {
        // a NaN score (NaN in q or k) poisons the row: NaN weights on visible keys, say so instead of hiding it
        for (let s = 0; s < S; s++) scores[s] = s < visible ? Number.NaN : 0;
      } else if (max === Number.NEGATIVE_INFINITY) {
        // no visible key (or all scores −∞): zero weights, zero output
        scores.fill(0);
      } else {
        // softmax over s; subtract the row max: exp overflow. The max itself gives e^0 = 1, so sum ≥ 1.
        let sum = 0;
        for (let s = 0; s < S; s++) {
          scores[s] = Math.exp(scores[s] - max);
          sum += scores[s];
        }
        for (let s = 0; s < S; s++) scores[s] /= sum;
      }
      if (o.weights !== undefined) {
        const wBase = (h * T + t) * S;
        for (let s = 0; s < S; s++) o.weights.data[wBase + s] = scores[s];
      }
      // out[t, h] = Σ_s weights[s] · v[s, g]
      for (let d = 0; d < D; d++) {
        let acc = 0; // f64
        for (let s = 0; s < visible; s++) acc += scores[s] * Vd[(s * Hkv + g) * D + d];
        O[qBase + d] = acc;
      }
    }
  }
}
