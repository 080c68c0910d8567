// ③ The attention sublayer of one block: tokens look at tokens (seed §3).
//   q = x·W_qᵀ + b_q   [T, C] · [H·D, C]ᵀ → [T, H·D]
//   k = x·W_kᵀ + b_k   [T, C] · [Hkv·D, C]ᵀ → [T, Hkv·D]     (v likewise)
//   q, k ← RoPE(q, k) at positions start..start+T−1          (RoPE models)
//   K, V ← cache ++ (k, v)                                   [S, Hkv, D], S = start + T
//   heads = softmax(q·Kᵀ/√D + M)·V                           [T, H·D]  (M causal, or none for encoders)
//   out   = heads·W_oᵀ + b_o                                 [T, H·D] · [C, H·D]ᵀ → [T, C]

import { applyRope, type KVCache, multiHeadAttention } from '@llmf/attention';
import type { Backend, Tensor } from '@llmf/tensor';
import type { Activations } from './activations';
import type { ModelConfig } from './config';
import type { LayerWeights } from './weights';

/** out [T, C] = attention(x [T, C]) for layer `layer`; appends this call's keys/values to the cache. */
export function attention(
  backend: Backend,
  c: ModelConfig,
  out: Tensor,
  x: Tensor,
  w: LayerWeights,
  a: Activations,
  cache: KVCache,
  layer: number,
  start: number,
  weights?: Tensor,
): void {
  backend.linear(a.q, x, w.qw, w.qb); // [T, C] → [T, H·D]
  backend.linear(a.k, x, w.kw, w.kb); // [T, C] → [T, Hkv·D]
  backend.linear(a.v, x, w.vw, w.vb); // [T, C] → [T, Hkv·D]
  if (c.positions === 'rope') {
    const rope = { start, theta: c.ropeTheta, style: c.ropeStyle };
    applyRope(backend, a.q, a.q, { nHead: c.nHead, ...rope });
    applyRope(backend, a.k, a.k, { nHead: c.nKvHead, ...rope });
  }
  const { keys, values } = cache.append(layer, a.k, a.v); // [S, Hkv, D]
  multiHeadAttention(backend, a.heads, a.q, keys, values, {
    nHead: c.nHead,
    nKvHead: c.nKvHead,
    causal: c.causal,
    past: start,
    ...(weights === undefined ? {} : { weights }),
  });
  backend.linear(out, a.heads, w.attprojw, w.attprojb); // [T, H·D] → [T, C]
}
