// Top-k: keep the k most probable tokens, zero the rest, renormalise. [V] → [V].

import { checkProbs, checkTopK } from './check';
import { topIndices } from './top-indices';

/**
 * Keeps the `k` most probable tokens and renormalises them to sum 1; every other entry becomes 0.
 * Ties at the k-th value: the lowest indices win, so exactly `min(k, V)` entries are kept (entries that were
 * already 0 stay 0, so the output has `min(k, nonzeros)` nonzeros). `k ≥ V` keeps every token.
 * @example topK([0.58, 0.21, 0.13, 0.08], 2) // ≈ [0.73, 0.27, 0, 0]
 */
export function topK(probs: ArrayLike<number>, k: number): Float32Array {
  checkProbs('topK', probs);
  checkTopK('topK', k);
  return topKUnchecked(probs, k);
}

/** @internal — topK without the argument checks. */
export function topKUnchecked(probs: ArrayLike<number>, k: number): Float32Array {
  const kept = topIndices(probs, k);
  let sum = 0;
  for (const i of kept) sum += probs[i];
  const out = new Float32Array(probs.length);
  for (const i of kept) out[i] = probs[i] / sum;
  return out;
}
