// ③ The attention sublayer of one block: tokens look at tokens (seed §3).
//   q = x·W_qᵀ + b_q   [T, C] · [H·D, C]ᵀ → [T, H·D]
//   k = x·W_kᵀ + b_k   [T, C] · [Hkv·D, C]ᵀ → [T, Hkv·D]     (v likewise)
//     as one product: q|k|v = x·[W_q; W_k; W_v]ᵀ + b  [T, C] · [H·D + 2·Hkv·D, C]ᵀ → [T, H·D + 2·Hkv·D]
//   q, k ← RoPE(q, k) at positions start..start+T−1          (RoPE models)
//   K, V ← cache ++ (k, v)                                   [S, Hkv, D], S = start + T
//   heads = softmax(q·Kᵀ/√D + M)·V                           [T, H·D]  (M causal, or none for encoders)
//   out   = heads·W_oᵀ + b_o                                 [T, H·D] · [C, H·D]ᵀ → [T, C]

import { applyRope, type KVCache, multiHeadAttention } from '@llmf/attention';
import type { Backend, Tensor } from '@llmf/tensor';
import type { Activations } from './activations';
import type { ModelConfig } from './config';
import type { StepOps } from './step-ops';
import type { LayerWeights } from './weights';

/** The middle of the sublayer: q [T, H·D], k, v [T, Hkv·D] → a.heads [T, H·D]. */
export type Attend = (q: Tensor, k: Tensor, v: Tensor) => void;

/** out [T, C] = attention(x [T, C]): the q|k|v projection, `attend`, the output projection. */
export function attention(
  ops: StepOps,
  c: ModelConfig,
  out: Tensor,
  x: Tensor,
  w: LayerWeights,
  a: Activations,
  attend: Attend,
): void {
  const { q, k, v } = projectQkv(ops, c, x, w, a);
  attend(q, k, v);
  ops.linear(out, a.heads, w.attprojw, w.attprojb); // [T, H·D] → [T, C]
}

/**
 * a.heads [T, H·D] = softmax(q·Kᵀ/√D + M)·V at positions start..start+T−1: RoPE on q and k (RoPE models),
 * then this call's k, v appended to layer `layer` of the cache, then attention over all its keys.
 */
export function attendCached(
  backend: Backend,
  c: ModelConfig,
  a: Activations,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  cache: KVCache,
  layer: number,
  start: number,
  weights?: Tensor,
): void {
  if (c.positions === 'rope') {
    const rope = { start, theta: c.ropeTheta, style: c.ropeStyle };
    applyRope(backend, q, q, { nHead: c.nHead, ...rope });
    applyRope(backend, k, k, { nHead: c.nKvHead, ...rope });
  }
  const { keys, values } = cache.append(layer, k, v); // [S, Hkv, D]
  multiHeadAttention(backend, a.heads, q, keys, values, {
    nHead: c.nHead,
    nKvHead: c.nKvHead,
    causal: c.causal,
    past: start,
    ...(weights === undefined ? {} : { weights }),
  });
}

/**
 * q [T, H·D], k, v [T, Hkv·D] from one product with the stacked weights into a.qkv [T, H·D + 2·Hkv·D]. One
 * token (decode): views of its row, no copy. More: each row's three parts copied out to a.q, a.k, a.v.
 */
function projectQkv(
  ops: StepOps,
  c: ModelConfig,
  x: Tensor,
  w: LayerWeights,
  a: Activations,
): { q: Tensor; k: Tensor; v: Tensor } {
  ops.linear(a.qkv, x, w.qkvw, w.qkvb); // [T, C] → [T, H·D + 2·Hkv·D]
  const T = x.shape[0];
  const qDim = c.nHead * c.dHead;
  const kvDim = c.nKvHead * c.dHead;
  const all = a.qkv.data;
  if (T === 1) {
    return {
      q: { shape: [1, qDim], data: all.subarray(0, qDim) },
      k: { shape: [1, kvDim], data: all.subarray(qDim, qDim + kvDim) },
      v: { shape: [1, kvDim], data: all.subarray(qDim + kvDim, qDim + 2 * kvDim) },
    };
  }
  const width = qDim + 2 * kvDim;
  const [q, k, v] = [a.q.data, a.k.data, a.v.data];
  for (let t = 0; t < T; t++) {
    const row = t * width;
    q.set(all.subarray(row, row + qDim), t * qDim);
    k.set(all.subarray(row + qDim, row + qDim + kvDim), t * kvDim);
    v.set(all.subarray(row + qDim + kvDim, row + width), t * kvDim);
  }
  return { q: a.q, k: a.k, v: a.v };
}
