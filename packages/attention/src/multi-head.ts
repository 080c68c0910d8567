// Multi-head and grouped-query attention over projected queries, keys and values (seed §3):
//   head_h = softmax(Q_h·K_gᵀ · scale + M) · V_g,   g = ⌊h·Hkv/H⌋ (GQA: H/Hkv query heads share a kv head)
//   MultiHead = Concat(head_1, …, head_H)           → [T, H·D]; the caller applies W_O
// Legend: T = queries, S = keys (past + new), H = query heads, Hkv = key/value heads, D = d_head.

import { type Backend, LlmfError, reshape, type Tensor } from '@llmf/tensor';

/** Options of {@link multiHeadAttention}. */
export interface MultiHeadOptions {
  /** Query heads H. */
  nHead: number;
  /** Key/value heads Hkv (H must be a multiple); default H (plain multi-head attention). */
  nKvHead?: number;
  /** Mask keys after each query's position. */
  causal: boolean;
  /** Keys before the first query (the KV-cache length before this call); default S − T. */
  past?: number;
  /** Multiplies Q·Kᵀ; default 1/√D. */
  scale?: number;
  /** If given, receives the attention weights [H, T, S]. */
  weights?: Tensor;
}

/**
 * Multi-head / grouped-query attention: q [T, H·D], k [S, Hkv·D], v [S, Hkv·D] → out [T, H·D]
 * (the heads concatenated, before the output projection). Also accepts k, v as [S, Hkv, D] (KV-cache views).
 * Runs on `backend.attention`; `out` must not overlap q, k or v.
 */
export function multiHeadAttention(
  backend: Backend,
  out: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: MultiHeadOptions,
): void {
  const H = o.nHead;
  const Hkv = o.nKvHead ?? H;
  if (!Number.isInteger(H) || H <= 0 || !Number.isInteger(Hkv) || Hkv <= 0 || H % Hkv !== 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `multiHeadAttention: nHead ${H} must be a positive multiple of nKvHead ${Hkv}`,
    );
  }
  const T = q.shape[0] ?? 0;
  const S = k.shape[0] ?? 0;
  const width = q.data.length / Math.max(T, 1);
  const D = width / H;
  if (!Number.isInteger(D) || D <= 0) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `multiHeadAttention: q [${q.shape.join(', ')}] rows of ${width} values do not split into ${H} heads`,
    );
  }
  const queries = reshape(q, [T, H, D]); // [T, H·D] → [T, H, D]
  const keys = reshape(k, [S, Hkv, D]); // [S, Hkv·D] → [S, Hkv, D]
  const values = reshape(v, [S, Hkv, D]);
  const heads = reshape(out, [T, H, D]);
  backend.attention(heads, queries, keys, values, {
    scale: o.scale ?? 1 / Math.sqrt(D),
    causal: o.causal,
    ...(o.past === undefined ? {} : { past: o.past }),
    ...(o.weights === undefined ? {} : { weights: o.weights }),
  });
}
