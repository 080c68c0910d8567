// Rotary position embedding (RoPE, Su et al. 2021) of projected queries or keys, through backend.rope.
// Position p turns each dimension pair i by the angle p·θ_i, θ_i = theta^(−2i/D):
//   (a, b) → (a·cos − b·sin, b·cos + a·sin)
// so q_m·k_n after rotation depends only on m − n: relative positions.
// 'half' pairs (x[i], x[i + D/2]) — HF Llama rotate_half; 'interleaved' pairs (x[2i], x[2i+1]) — paper, GGUF.

import { type Backend, LlmfError, type RopeStyle, reshape, type Tensor } from '@llmf/tensor';

/** Options of {@link applyRope}. */
export interface ApplyRopeOptions {
  /** Heads in each row: x is [T, nHead·D] or [T, nHead, D]. */
  nHead: number;
  /** Position of the first row (the KV-cache length for incremental decoding). */
  start: number;
  /** Frequency base; 10000 for Llama 2. */
  theta?: number;
  /** Dimension pairing; default 'half' (HF Llama). */
  style?: RopeStyle;
  /** Leading dims of each head that rotate (default D). */
  rotaryDim?: number;
}

/** Rotate x [T, H·D] (or [T, H, D]) by its positions start..start+T−1 into out (same shape; out may be x). */
export function applyRope(backend: Backend, out: Tensor, x: Tensor, o: ApplyRopeOptions): void {
  const T = x.shape[0] ?? 0;
  const width = x.data.length / Math.max(T, 1);
  const D = width / o.nHead;
  if (!Number.isInteger(D) || D <= 0) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `applyRope: rows of ${width} values do not split into ${o.nHead} heads`,
    );
  }
  backend.rope(reshape(out, [T, o.nHead, D]), reshape(x, [T, o.nHead, D]), {
    start: o.start,
    theta: o.theta ?? 10000,
    style: o.style ?? 'half',
    ...(o.rotaryDim === undefined ? {} : { rotaryDim: o.rotaryDim }),
  });
}
