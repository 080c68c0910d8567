// Scaled dot-product attention, one head, written as the math (seed §3, "Dry Run — 3 Tokens"):
//   scores  = Q·Kᵀ · scale            [T, d_k] · [S, d_k]ᵀ → [T, S]     scale = 1/√d_k by default
//   scores += M                       causal mask: −∞ above the diagonal
//   weights = softmax(scores)         each row sums to 1
//   output  = weights · V             [T, S] · [S, d_v] → [T, d_v]

import { type Backend, createReferenceBackend, LlmfError, type Tensor } from '@llmf/tensor';
import { causalMaskRect } from './mask';

/** Options of {@link scaledDotProductAttention}. */
export interface SdpaOptions {
  /** Mask future keys: query t (at position S − T + t) sees keys 0..S − T + t. Default false. */
  causal?: boolean;
  /** Multiplies Q·Kᵀ; default 1/√d_k. */
  scale?: number;
  /** Kernels to run on; default a fresh JS reference backend. Outputs are allocated by it. */
  backend?: Backend;
}

let defaultBackend: Backend | undefined;

/** The shared JS reference backend used when the caller passes none (created on first use). */
function referenceBackend(): Backend {
  if (defaultBackend === undefined) defaultBackend = createReferenceBackend();
  return defaultBackend;
}

/**
 * Single-head attention: q [T, d_k], k [S, d_k], v [S, d_v] → output [T, d_v] and weights [T, S].
 * output = softmax(Q·Kᵀ · scale + M) · V, with M the causal mask when `o.causal`.
 * @example
 * const q = tensor([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]]);
 * const k = tensor([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]]);
 * const v = tensor([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]]);
 * scaledDotProductAttention(q, k, v).weights // ≈ [[0.27, 0.27, 0.45], [0.38, 0.38, 0.23], [0.51, 0.19, 0.31]]
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: SdpaOptions = {},
): { output: Tensor; weights: Tensor } {
  const [T, S, dk, dv] = checkShapes(q, k, v);
  const scale = o.scale ?? 1 / Math.sqrt(dk);
  if (!Number.isFinite(scale)) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `scaledDotProductAttention: scale must be a finite number, got ${scale}`,
    );
  }
  if (o.causal && T > S) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `scaledDotProductAttention: causal attention needs at least as many keys (${S}) as queries (${T})`,
    );
  }
  const backend = o.backend ?? referenceBackend();

  const scores = backend.alloc([T, S], 'compute');
  backend.linear(scores, q, k); // [T, d_k] · [S, d_k]ᵀ → [T, S]
  backend.scale(scores, scores, scale); // divide by √d_k: keeps softmax out of saturation
  if (o.causal) backend.add(scores, scores, backend.upload(causalMaskRect(T, S), 'compute'));
  const weights = backend.alloc([T, S], 'compute');
  backend.softmax(weights, scores); // rows sum to 1; masked (−∞) entries become exactly 0
  const output = backend.alloc([T, dv], 'compute');
  backend.matmul(output, weights, v); // [T, S] · [S, d_v] → [T, d_v]
  return { output, weights };
}

function checkShapes(q: Tensor, k: Tensor, v: Tensor): [number, number, number, number] {
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    if (t?.shape?.length !== 2 || !(t.data instanceof Float32Array)) {
      throw new LlmfError(
        'SHAPE_MISMATCH',
        `scaledDotProductAttention: ${name} must be a 2-D tensor (one head: [tokens, dims]), got shape [${t?.shape?.join(', ')}]`,
      );
    }
  }
  const [T, dk] = q.shape as [number, number];
  const [S, dkK] = k.shape as [number, number];
  const [Sv, dv] = v.shape as [number, number];
  if (dkK !== dk) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `scaledDotProductAttention: q has d_k = ${dk} but k has ${dkK}; they must match`,
    );
  }
  if (Sv !== S) {
    throw new LlmfError(
      'SHAPE_MISMATCH',
      `scaledDotProductAttention: k has ${S} rows but v has ${Sv}; they must match`,
    );
  }
  return [T, S, dk, dv];
}
